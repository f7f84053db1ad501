// Pantau's ECharts build: only the chart types, components and renderers
// the options in internal/chart and the scripts in ../assets use. esbuild
// bundles it (make assets) as ES modules into ../assets/echarts.min.js and
// its chunks (echarts-*.js). pantau-charts.js adds this module when a chart
// is about to be seen; it defines window.pantauECharts(part), which resolves
// to the same `echarts` object the full build has, with the part loaded:
//
//   ''        ECharts' core, then (in a task of its own: no single task
//             evaluates all of ECharts) lines.js, what every page chart uses
//   'maps'    maps.js, for the choropleth
//   'exports' exports.js, for the PNG and SVG downloads
//
// When a chart needs another series type or component, import and register
// it in the part that needs it; the Chromium tests of pages, embeds, the map
// and the exports show what is missing.
import * as echarts from 'echarts/core';

const parts = {
  '': () => import('./lines.js'),
  maps: () => import('./maps.js'),
  exports: () => import('./exports.js'),
};
const loaded = {};

window.pantauECharts = function (part) {
  const name = part || '';
  if (!loaded[name]) {
    const before = name ? window.pantauECharts('') : new Promise((resolve) => setTimeout(resolve, 0));
    loaded[name] = before.then(parts[name]).then((m) => {
      echarts.use(m.default);
      window.echarts = echarts;
      return echarts;
    });
  }
  return loaded[name];
};
