// Pantau's chart bootstrap. Each chart's option is data in a
// <script type="application/json"> block written by the server with
// encoding/json; it is read with JSON.parse and nothing in it is evaluated.
// ECharts itself (the URL in this script tag's data-echarts) is loaded
// only when a chart is about to be seen, or printed, or exported.
(function () {
  'use strict';
  var root = document.documentElement;
  var me = document.currentScript;
  var echartsURL = me && me.getAttribute('data-echarts');
  var lang = root.getAttribute('lang') === 'en' ? 'en' : 'id';
  // Print opens folded explanations (browsers without ::details-content
  // print them as a bare summary) and folds them back afterwards. It lives
  // here, not inline in the page, so that pages carry no per-request
  // script and their compressed copies can be cached.
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('main details:not([open]):not(.chart-data):not(.embed-dialog)').forEach(function (d) {
      d.open = true;
      d.setAttribute('data-print-opened', '');
    });
  });
  window.addEventListener('afterprint', function () {
    document.querySelectorAll('details[data-print-opened]').forEach(function (d) {
      d.open = false;
      d.removeAttribute('data-print-opened');
    });
  });
  var els = document.querySelectorAll('[data-chart]');
  if (!els.length) return;

  // loadECharts adds the ECharts script once; it resolves when it has run.
  var loading = null;
  function loadECharts() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        if (window.echarts) return resolve(window.echarts);
        if (!echartsURL) return reject(new Error('no ECharts URL'));
        var s = document.createElement('script');
        s.src = echartsURL;
        s.onload = function () { if (window.echarts) resolve(window.echarts); else reject(new Error('ECharts did not define echarts')); };
        s.onerror = function () { reject(new Error('ECharts did not load')); };
        document.head.appendChild(s);
      });
    }
    return loading;
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

  // Value-axis tick labels in the page's number format (1.234,5 in
  // Indonesian, 1,234.5 in English; at most four decimals). ECharts' string
  // templates can only print its own (English) number format, so this one
  // formatter is set here, in our static code; options from the server never
  // carry functions. Not Intl.NumberFormat: its first use loads the
  // locale's data, 30–170 ms measured here, longer than drawing a chart.
  var decimalMark = lang === 'en' ? '.' : ',', groupMark = lang === 'en' ? ',' : '.';
  function tickLabel(v) {
    if (typeof v !== 'number' || !isFinite(v)) return String(v);
    var s = Math.abs(v).toFixed(4).replace(/\.?0+$/, '');
    var dot = s.indexOf('.');
    var whole = (dot < 0 ? s : s.slice(0, dot)).replace(/\B(?=(\d{3})+$)/g, groupMark);
    return (v < 0 && s !== '0' ? '-' : '') + whole + (dot < 0 ? '' : decimalMark + s.slice(dot + 1));
  }
  function localiseAxes(axes) {
    if (!axes) return;
    (Array.isArray(axes) ? axes : [axes]).forEach(function (a) {
      if (a && a.type === 'value') {
        a.axisLabel = a.axisLabel || {};
        a.axisLabel.formatter = tickLabel;
      }
    });
  }

  // --- maps ---
  // A map's option names its shapes (GeoJSON from /api/v1/boundaries, a
  // URL the server wrote) under pantauMap; they are fetched once per URL,
  // registered with ECharts under the series' map name and matched to the
  // data by properties.code. The tooltip formatter lives here, in static
  // code: it prints the texts the server put in each data item ("tip"),
  // HTML-encoded, so a name from a boundary file or an upload stays text.
  window.pantauCharts = { prepareMap: prepareMap, echarts: loadECharts, localiseAxes: localiseAxes };
  var shapeRequests = {};
  function shapes(url) {
    if (!shapeRequests[url]) {
      shapeRequests[url] = fetch(url, { credentials: 'same-origin' }).then(function (r) {
        if (!r.ok) throw new Error('boundaries: HTTP ' + r.status);
        return r.json();
      });
    }
    return shapeRequests[url];
  }
  function bounds(features) {
    var b = [Infinity, Infinity, -Infinity, -Infinity];
    function walk(c) {
      if (typeof c[0] === 'number') {
        b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]);
        b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
        return;
      }
      c.forEach(walk);
    }
    features.forEach(function (f) { if (f.geometry) walk(f.geometry.coordinates); });
    return b;
  }
  function mapTip(p) {
    var t = p && p.data && p.data.tip;
    if (!Array.isArray(t)) return '';
    var enc = window.echarts.format.encodeHTML;
    return t.map(function (x, i) { return i === 0 ? '<strong>' + enc(String(x)) + '</strong>' : enc(String(x)); }).join('<br/>');
  }
  // prepareMap registers a map option's shapes and lays the outline of
  // the home region over the choropleth in the same projection; it
  // resolves to the option, ready for setOption.
  function prepareMap(option, dark) {
    var pm = option.pantauMap;
    delete option.pantauMap;
    var s = option.series[0];
    var name = s.map;
    return Promise.all([shapes(pm.shapes), pm.outline ? shapes(pm.outline).catch(function () { return null; }) : null]).then(function (g) {
      var fc = g[0];
      if (!fc || !Array.isArray(fc.features) || !fc.features.length) throw new Error('no shapes');
      window.echarts.registerMap(name, fc);
      var b = bounds(fc.features);
      // Both layers share bounds, box and the aspect of the latitude, so
      // the outline falls exactly on the districts.
      var box = [[b[0], b[3]], [b[2], b[1]]];
      var aspect = Math.cos((b[1] + b[3]) / 2 * Math.PI / 180);
      var edge = dark ? '#e6e8eb' : '#1b1f24';
      s.boundingCoords = box;
      s.aspectScale = aspect;
      // The margins the server gave; fitMap turns them into a box of the
      // shapes' own proportions (ECharts stretches a map to a box given
      // by all four sides).
      option.pantauFit = { top: s.top, bottom: s.bottom, left: s.left, right: s.right,
        aspect: (b[2] - b[0]) * aspect / Math.max(b[3] - b[1], 1e-9) };
      s.tooltip = { formatter: mapTip };
      if (dark) s.itemStyle.borderColor = '#111418';
      s.data.forEach(function (d) {
        if (d.home) { d.itemStyle = d.itemStyle || {}; d.itemStyle.borderColor = edge; d.itemStyle.borderWidth = 2.5; }
      });
      var out = g[1] && pm.home ? g[1].features.filter(function (f) { return f.properties && f.properties.code === pm.home; }) : [];
      if (out.length) {
        window.echarts.registerMap(name + '-outline', { type: 'FeatureCollection', features: out });
        option.geo = {
          map: name + '-outline', silent: true, roam: false, z: 3, boundingCoords: box, aspectScale: aspect,
          label: { show: false },
          itemStyle: { areaColor: 'rgba(0,0,0,0)', borderColor: edge, borderWidth: 2.5 },
          emphasis: { disabled: true }, tooltip: { show: false }
        };
      }
      return option;
    });
  }
  // fitMap places the map (and its outline) in a width × height chart:
  // as large as the margins allow, in the shapes' proportions.
  // It returns the layout for setOption.
  function fitMap(option, width, height) {
    var f = option.pantauFit;
    var w = Math.max(width - f.left - f.right, 10), h = Math.max(height - f.top - f.bottom, 10);
    if (w / h > f.aspect) w = h * f.aspect;
    else h = w / f.aspect;
    // Centred across, and down at the legend: a phone's narrow map leaves
    // its spare height above it rather than between map and legend.
    var box = { left: f.left + (width - f.left - f.right - w) / 2, top: height - f.bottom - h, width: w, height: h, right: null, bottom: null };
    var layout = { series: [box] };
    Object.assign(option.series[0], box);
    if (option.geo) { Object.assign(option.geo, box); layout.geo = box; }
    return layout;
  }
  window.pantauCharts.fitMap = fitMap;

  // A click opens the region's page; on a touch screen the first tap shows
  // the tooltip and a second tap on the same region opens it.
  function onMapClick(chart) {
    var tapped = null;
    chart.on('click', function (p) {
      var link = p && p.data && p.data.link;
      if (typeof link !== 'string' || link.charAt(0) !== '/' || link.charAt(1) === '/') return;
      var ev = p.event && p.event.event;
      if (ev && ev.pointerType === 'touch' && tapped !== p.name) { tapped = p.name; return; }
      if (root.hasAttribute('data-embed')) window.open(link, '_blank', 'noopener');
      else window.location.href = link;
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
      if (dark) option.backgroundColor = 'transparent';
      var ready = option.pantauMap ? prepareMap(option, dark) : Promise.resolve(option);
      ready.then(function (option) {
        // A map is no taller than its shapes need at this width (a phone's
        // narrow map would leave a gap), up to the height the page gave.
        var tallest = el.clientHeight;
        var fitHeight = function () {
          var f = option.pantauFit;
          var want = Math.min(tallest, Math.ceil(f.top + f.bottom + (el.clientWidth - f.left - f.right) / f.aspect));
          if (Math.abs(el.clientHeight - want) > 1) el.style.height = want + 'px';
        };
        if (option.pantauFit) {
          fitHeight();
          fitMap(option, el.clientWidth, el.clientHeight);
        }
        var chart = window.echarts.init(el, dark ? 'dark' : null, { renderer: 'svg' });
        chart.setOption(option);
        if (option.series && option.series[0] && option.series[0].type === 'map') onMapClick(chart);
        el.setAttribute('data-chart-ready', 'true');
        el.dispatchEvent(new CustomEvent('pantau:chart-ready', { bubbles: true }));
        var entry = { el: el, chart: chart, option: option };
        charts.push(entry);
        if (window.ResizeObserver) {
          // The observer also reports the size the chart was just drawn
          // at: redrawing for that would draw every chart twice.
          var size = el.clientWidth + 'x' + el.clientHeight;
          new ResizeObserver(function () {
            var now = el.clientWidth + 'x' + el.clientHeight;
            if (now === size) return;
            size = now;
            if (option.pantauFit) {
              fitHeight();
              entry.chart.resize();
              entry.chart.setOption(fitMap(option, el.clientWidth, el.clientHeight));
              return;
            }
            entry.chart.resize();
          }).observe(el);
        }
      }).catch(function (e) {
        fail(el);
        if (window.console) console.error('pantau chart', el.id, e);
      });
    } catch (e) {
      fail(el);
      if (window.console) console.error('pantau chart', el.id, e);
    }
  }
  // A chart is drawn when it comes within a screen of the viewport (as
  // Grafana draws its panels), one chart per task: a dashboard draws at
  // load only what the reader sees, and no task holds the main thread for
  // several charts. Until then the container keeps the height the server
  // gave it, so drawing shifts nothing.
  var waiting = Array.prototype.slice.call(els);
  var queue = [];
  function take(el) {
    var i = waiting.indexOf(el);
    if (i >= 0) waiting.splice(i, 1);
    return i >= 0;
  }
  function drawNext() {
    var el = queue.shift();
    if (el) draw(el);
    if (queue.length) setTimeout(drawNext, 0);
  }
  // Without ECharts every chart still waiting says so and opens its table.
  function failAll(e) {
    if (near) near.disconnect();
    var all = queue.concat(waiting);
    queue = [];
    waiting = [];
    all.forEach(fail);
    if (window.console) console.error('pantau charts', e);
  }
  function enqueue(el) {
    if (!take(el)) return;
    queue.push(el);
    // ECharts runs in a task of its own, each chart in the next ones.
    if (queue.length === 1) loadECharts().then(function () { setTimeout(drawNext, 0); }, failAll);
  }
  var near = null;
  if (window.IntersectionObserver) {
    near = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (!e.isIntersecting) return;
        near.unobserve(e.target);
        enqueue(e.target);
      });
    }, { rootMargin: '100% 0px' });
    // Those already within a screen start at once, without waiting for the
    // observer's first report (a frame later); the others wait for it.
    waiting.slice().forEach(function (el) {
      var r = el.getBoundingClientRect();
      if (r.top < 2 * window.innerHeight && r.bottom > -window.innerHeight) enqueue(el);
      else near.observe(el);
    });
  } else {
    waiting.slice().forEach(enqueue);
  }
  // Printing draws at once every chart still waiting, in view or not. If
  // ECharts has not been needed yet (nothing was scrolled near a chart),
  // it cannot run in time: those charts print as their data tables, and
  // are drawn as soon as it has loaded.
  window.addEventListener('beforeprint', function () {
    if (near) near.disconnect();
    var all = queue.concat(waiting);
    queue = [];
    waiting = [];
    if (window.echarts) {
      all.forEach(draw);
      return;
    }
    all.forEach(function (el) {
      var d = el.parentNode.querySelector('details.chart-data:not([open])');
      if (d) { d.open = true; d.setAttribute('data-print-opened', ''); }
    });
    loadECharts().then(function () { all.forEach(draw); }, failAll);
  });

  // Each chart follows its container's size (the ResizeObserver in draw);
  // without one, the window's.
  if (!window.ResizeObserver) {
    window.addEventListener('resize', function () { charts.forEach(function (c) { c.chart.resize(); }); });
  }
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
        if (c.option.series && c.option.series[0] && c.option.series[0].type === 'map') onMapClick(c.chart);
      });
    };
    if (mq.addEventListener) mq.addEventListener('change', redraw);
  }
})();
