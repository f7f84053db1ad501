// Pantau's region picker (templates/region_picker.html): as one types in
// its search field, the best matches from /api/v1/regions?q= appear as
// links to the same page for that region. Without this script the field is
// a plain GET form whose results the page lists itself. Names are set as
// text, never as HTML.
(function () {
  'use strict';
  function ready(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn);
    else fn();
  }

  function setup(input) {
    var list = document.getElementById(input.getAttribute('aria-controls'));
    if (!list) return;
    var api = input.getAttribute('data-picker-api');
    var timer = 0, seq = 0;
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');

    function close() {
      list.hidden = true;
      list.textContent = '';
      input.setAttribute('aria-expanded', 'false');
    }
    // The same page, for another region: the page's own query (language,
    // theme, tab, year) kept, the search dropped.
    function hrefFor(code) {
      var u = new URL(window.location.href);
      u.searchParams.delete('q');
      u.searchParams.set('region', code);
      return u.pathname + u.search;
    }
    function render(regions) {
      list.textContent = '';
      if (!regions.length) {
        var none = document.createElement('li');
        none.className = 'picker-none';
        none.textContent = list.getAttribute('data-none') || '';
        list.appendChild(none);
      }
      regions.forEach(function (r) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = hrefFor(r.code);
        a.textContent = r.name;
        li.appendChild(a);
        if (r.within) {
          var w = document.createElement('span');
          w.className = 'picker-within';
          w.textContent = ' — ' + r.within;
          li.appendChild(w);
        }
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }
    function search() {
      var q = input.value.trim();
      if (!q) { close(); return; }
      var n = ++seq;
      fetch(api + '?limit=10&q=' + encodeURIComponent(q), { headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          // Only the answer to the latest query: earlier ones may arrive later.
          if (n === seq && body && body.data) render(body.data);
        })
        .catch(function () { /* the form still works */ });
    }
    function links() { return list.querySelectorAll('a'); }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(search, 120);
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' && links().length) { e.preventDefault(); links()[0].focus(); }
      if (e.key === 'Escape') close();
    });
    list.addEventListener('keydown', function (e) {
      var all = Array.prototype.slice.call(links());
      var i = all.indexOf(document.activeElement);
      if (e.key === 'ArrowDown' && i < all.length - 1) { e.preventDefault(); all[i + 1].focus(); }
      if (e.key === 'ArrowUp') { e.preventDefault(); (i > 0 ? all[i - 1] : input).focus(); }
      if (e.key === 'Escape') { close(); input.focus(); }
    });
  }

  ready(function () {
    var inputs = document.querySelectorAll('input[data-picker-api]');
    for (var i = 0; i < inputs.length; i++) setup(inputs[i]);
  });
})();
