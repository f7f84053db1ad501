// Pantau's chart bootstrap. Each chart's option is data in a
// <script type="application/json"> block written by the server with
// encoding/json; it is read with JSON.parse and nothing in it is evaluated.
(function () {
  'use strict';
  var root = document.documentElement;
  var lang = root.getAttribute('lang') === 'en' ? 'en' : 'id';
  var els = document.querySelectorAll('[data-chart]');
  if (!els.length) return;

  if (typeof window.echarts === 'undefined') {
    els.forEach(function (el) { fail(el); });
    return;
  }

  function fail(el) {
    var p = document.createElement('p');
    p.className = 'chart-note chart-error';
    p.textContent = el.getAttribute('data-failed');
    el.replaceWith(p);
    var d = p.parentNode.querySelector('details.chart-data');
    if (d) d.open = true;
  }

  function theme() {
    var t = root.getAttribute('data-theme');
    if (t === 'dark' || t === 'light') return t;
    return window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  // Value-axis tick labels in the page's number format (0,5 in Indonesian).
  // ECharts' string templates can only print its own (English) number
  // format, so this one formatter is set here, in our static code; options
  // from the server never carry functions.
  var numberFormat = new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'id-ID', { maximumFractionDigits: 4 });
  function tickLabel(v) { return numberFormat.format(v); }
  function localiseAxes(axes) {
    if (!axes) return;
    (Array.isArray(axes) ? axes : [axes]).forEach(function (a) {
      if (a && a.type === 'value') {
        a.axisLabel = a.axisLabel || {};
        a.axisLabel.formatter = tickLabel;
      }
    });
  }

  var charts = [];
  function draw(el) {
    try {
      var src = document.getElementById(el.getAttribute('data-chart'));
      var option = JSON.parse(src.textContent);
      localiseAxes(option.xAxis);
      localiseAxes(option.yAxis);
      var dark = theme() === 'dark';
      var chart = window.echarts.init(el, dark ? 'dark' : null, { renderer: 'svg' });
      if (dark) option.backgroundColor = 'transparent';
      chart.setOption(option);
      el.setAttribute('data-chart-ready', 'true');
      charts.push({ el: el, chart: chart, option: option });
      if (window.ResizeObserver) {
        new ResizeObserver(function () { chart.resize(); }).observe(el);
      }
    } catch (e) {
      fail(el);
      if (window.console) console.error('pantau chart', el.id, e);
    }
  }
  els.forEach(draw);

  window.addEventListener('resize', function () { charts.forEach(function (c) { c.chart.resize(); }); });
  // Print at the paper's width.
  window.addEventListener('beforeprint', function () { charts.forEach(function (c) { c.chart.resize(); }); });
  window.addEventListener('afterprint', function () { charts.forEach(function (c) { c.chart.resize(); }); });

  // Follow the system theme when the page does not force one.
  if (window.matchMedia && !root.getAttribute('data-theme')) {
    var mq = window.matchMedia('(prefers-color-scheme: dark)');
    var redraw = function () {
      charts.forEach(function (c) {
        c.chart.dispose();
        c.chart = window.echarts.init(c.el, mq.matches ? 'dark' : null, { renderer: 'svg' });
        c.chart.setOption(c.option);
      });
    };
    if (mq.addEventListener) mq.addEventListener('change', redraw);
  }
})();
