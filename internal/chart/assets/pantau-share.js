// Pantau's sharing tools, on chart pages and on embeds: copy buttons for the
// embed code, PNG and SVG downloads drawn by ECharts itself with the title,
// caption and source in the image, and (inside an embed) the height
// reports that /static/embed.js on the host page uses to size the iframe.
// Nothing here evaluates data: options are read with JSON.parse, texts are
// set as text.
(function () {
  'use strict';
  var root = document.documentElement;

  function ready(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn);
    else fn();
  }

  // --- copy buttons: the code stays in a readonly textarea without JS ---
  function copy(button) {
    var area = document.getElementById(button.getAttribute('data-copy'));
    if (!area) return;
    var done = function () {
      var old = button.textContent;
      button.textContent = button.getAttribute('data-copied') || old;
      setTimeout(function () { button.textContent = old; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(area.value).then(done, function () { area.select(); });
      return;
    }
    area.focus();
    area.select();
    try { if (document.execCommand('copy')) done(); } catch (e) { /* the text stays selected */ }
  }

  // --- image export ---
  function px(v, total) {
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && /%$/.test(v)) return parseFloat(v) / 100 * total;
    return parseFloat(v) || 0;
  }
  // lines estimates how many lines text wraps into at width px.
  function lines(text, width, charWidth) {
    return Math.max(1, Math.ceil((text || '').length * charWidth / width));
  }

  // exportOption is the chart's own option (from its JSON block) with the
  // title, caption and source drawn in, laid out for a width × height image.
  function exportOption(meta, width) {
    var src = document.getElementById(meta.chart.getAttribute('data-chart'));
    var option = JSON.parse(src.textContent);
    // The page's media queries fit the legend to the page's chart; the
    // image lays out its own (below).
    delete option.media;
    // The page's number format, as the chart on the page has it.
    window.pantauCharts.localiseAxes(option.xAxis);
    window.pantauCharts.localiseAxes(option.yAxis);
    var inner = width - 48;
    var titleLines = lines(meta.title, inner, 11);
    var capLines = lines(meta.caption, inner, 7.2);
    var top = 20 + titleLines * 26 + capLines * 20 + 16;
    var srcLines = lines(meta.source, inner, 6.6);
    var foot = 16 + srcLines * 17;
    var height = Math.max(360, Math.round(width * 9 / 16)) + top + foot - 80;
    option.title = {
      text: meta.title, subtext: meta.caption, left: 24, top: 16, itemGap: 8,
      textStyle: { fontSize: 20, fontWeight: 'bold', color: '#1b1f24', width: inner, overflow: 'break', lineHeight: 26 },
      subtextStyle: { fontSize: 14, color: '#3f4650', width: inner, overflow: 'break', lineHeight: 20 }
    };
    // The chart's own graphics (a map's "hatched: data contoh" note) stay.
    var own = Array.isArray(option.graphic) ? option.graphic : option.graphic ? [option.graphic] : [];
    option.graphic = own.concat([{
      type: 'text', left: 24, bottom: 14,
      style: { text: meta.source, fill: '#5b6470', font: '12px sans-serif', width: inner, overflow: 'break', lineHeight: 17 }
    }]);
    // The page's grid leaves room for a legend wrapped at phone width;
    // the image is wide, so its legend takes the rows it needs there.
    var legends = Array.isArray(option.legend) ? option.legend : option.legend ? [option.legend] : [];
    var legendRows = 0;
    legends.forEach(function (l) {
      if (l.show === false) return;
      var names = l.data || (option.series || []).map(function (s) { return s.name; });
      var rows = 1, used = 0;
      names.forEach(function (n) {
        var w = 34 + 7.5 * String(n && n.name || n || '').length;
        if (used > 0 && used + w > inner) { rows++; used = 0; }
        used += w;
      });
      legendRows = Math.max(legendRows, rows);
      if (l.bottom !== undefined) l.bottom = foot;
      else if (l.top !== undefined) l.top = top;
    });
    (Array.isArray(option.grid) ? option.grid : option.grid ? [option.grid] : []).forEach(function (g) {
      // Room under the caption for the value axis' name (the unit).
      g.top = top + 28;
      g.bottom = foot + 12 + (legendRows ? 24 * legendRows + 8 : 0);
      g.left = Math.max(px(g.left, width), 24);
      g.right = Math.max(px(g.right, width), 24);
    });
    // A map: the shapes under the caption, its legend (the visual map's
    // classes) and the hatching note above the source.
    if (option.visualMap && option.series && option.series[0] && option.series[0].type === 'map') {
      var vm = option.visualMap;
      var legendH = (vm.pieces || []).length * ((vm.itemHeight || 12) + (vm.itemGap || 8)) + 8;
      height = top + 540 + legendH + foot;
      vm.left = 24;
      vm.bottom = foot + 4;
      var s = option.series[0];
      s.top = top + 8; s.bottom = foot + legendH + 16; s.left = 24; s.right = 24;
      own.forEach(function (g) { g.right = 24; g.bottom = foot + 6; });
    }
    option.backgroundColor = '#ffffff';
    option.animation = false;
    return { option: option, width: width, height: height };
  }

  function save(blob, name) {
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.rel = 'noopener';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
  }

  // renderImage draws the export option and returns a Blob of the format.
  // ECharts is loaded first if no chart has needed it yet.
  function renderImage(meta, format) {
    return window.pantauCharts.echarts().then(function () { return drawExport(meta, format); });
  }
  function drawExport(meta, format) {
    var e = exportOption(meta, 960);
    if (e.option.pantauMap && window.pantauCharts) {
      return window.pantauCharts.prepareMap(e.option, false).then(function () {
        window.pantauCharts.fitMap(e.option, e.width, e.height);
        return drawImage(e, format);
      });
    }
    return drawImage(e, format);
  }

  function drawImage(e, format) {
    if (format === 'svg') {
      var svgChart = window.echarts.init(null, null, { renderer: 'svg', ssr: true, width: e.width, height: e.height });
      svgChart.setOption(e.option);
      var svg = svgChart.renderToSVGString();
      svgChart.dispose();
      return Promise.resolve(new Blob([svg], { type: 'image/svg+xml' }));
    }
    var div = document.createElement('div');
    div.style.cssText = 'position:fixed;left:-20000px;top:0;width:' + e.width + 'px;height:' + e.height + 'px';
    document.body.appendChild(div);
    var c = window.echarts.init(div, null, { renderer: 'canvas', width: e.width, height: e.height });
    c.setOption(e.option);
    var url = c.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#ffffff' });
    c.dispose();
    div.remove();
    // Decoded here: fetch() of a data: URL is refused by connect-src 'self'.
    var bin = atob(url.slice(url.indexOf(',') + 1));
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return Promise.resolve(new Blob([bytes], { type: 'image/png' }));
  }

  function metaOf(button) {
    var el = document.getElementById(button.getAttribute('data-export-chart'));
    if (!el || !window.pantauCharts) return null;
    var fig = document.getElementById(el.id + '-figure');
    var cap = fig && fig.querySelector('figcaption');
    return {
      chart: el,
      title: button.getAttribute('data-export-title') || '',
      caption: button.getAttribute('data-export-caption') || (cap ? cap.textContent : ''),
      source: button.getAttribute('data-export-source') || '',
      name: button.getAttribute('data-export-name') || 'pantau'
    };
  }

  function exportChart(button) {
    var meta = metaOf(button);
    if (!meta) return;
    var format = button.getAttribute('data-export');
    renderImage(meta, format).then(function (blob) { save(blob, meta.name + '.' + format); },
      function (e) { if (window.console) console.error('pantau export', e); });
  }
  // For tests and for people: window.pantauExport(button) gives the Blob.
  window.pantauExport = function (button, format) {
    var meta = metaOf(button);
    return meta ? renderImage(meta, format || button.getAttribute('data-export')) : Promise.reject(new Error('no chart'));
  };

  // --- inside an embed: report the content height to the host page ---
  function embedded() {
    if (!root.hasAttribute('data-embed') || window.parent === window) return;
    var box = document.querySelector('.embed') || document.body;
    var last = 0;
    function report() {
      var h = Math.ceil(box.getBoundingClientRect().height);
      var drawn = document.querySelectorAll('[data-chart-ready="true"]').length;
      if (h === last && !report.force) return;
      last = h;
      report.force = false;
      // The height is not a secret: any host page may learn it.
      window.parent.postMessage({ 'pantau-embed': { height: h, charts: drawn } }, '*');
    }
    // Without /static/embed.js on the host the embed fills the frame's
    // height; once the host's script says it sizes the frame, the embed
    // takes its content's own height and reports that.
    window.addEventListener('message', function (e) {
      if (e.source !== window.parent || !e.data || typeof e.data !== 'object' || !e.data['pantau-embed-host']) return;
      if (root.classList.contains('sized')) return;
      root.classList.add('sized');
      report();
    });
    report();
    if (window.ResizeObserver) new ResizeObserver(report).observe(box);
    window.addEventListener('resize', report);
    window.addEventListener('load', function () { report.force = true; report(); });
    // Charts are drawn by the bootstrap once ECharts has loaded, after
    // this script runs; each drawn chart is reported.
    document.addEventListener('pantau:chart-ready', function () { report.force = true; report(); });
  }

  // --- embed options: the codes in the dialog follow the choices ---
  function applyOptions(dialog) {
    var opts = {};
    dialog.querySelectorAll('[data-embed-opt]').forEach(function (el) {
      var v = el.type === 'checkbox' ? (el.checked ? el.value : '') : el.value;
      opts[el.getAttribute('data-embed-opt')] = v;
    });
    dialog.querySelectorAll('textarea').forEach(function (area) {
      area.value = area.value.replace(/<iframe src="([^"]*)"/, function (all, src) {
        var u = new URL(src.replace(/&amp;/g, '&'));
        Object.keys(opts).forEach(function (k) {
          if (opts[k]) u.searchParams.set(k, opts[k]); else u.searchParams.delete(k);
        });
        u.searchParams.sort();
        return '<iframe src="' + u.toString().replace(/&/g, '&amp;') + '"';
      });
    });
  }

  ready(function () {
    document.addEventListener('change', function (e) {
      var d = e.target.closest && e.target.closest('[data-embed-opt]') && e.target.closest('.embed-dialog');
      if (d) applyOptions(d);
    });
    document.addEventListener('click', function (e) {
      var t = e.target.closest && e.target.closest('[data-copy],[data-export]');
      if (!t) return;
      e.preventDefault();
      if (t.hasAttribute('data-copy')) copy(t);
      else exportChart(t);
    });
    // A chart that failed (or no chart bootstrap) shows its data table instead.
    window.addEventListener('load', function () {
      document.querySelectorAll('.chart-error').forEach(function (p) {
        var d = p.parentNode.querySelector('details.chart-data');
        if (d) d.open = true;
      });
      if (!window.pantauCharts) document.querySelectorAll('[data-export]').forEach(function (b) { b.hidden = true; });
    });
    embedded();
  });
})();
