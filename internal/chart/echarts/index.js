// Pantau's ECharts build: only the chart types, components and renderers
// the options in internal/chart and the scripts in ../assets use. esbuild
// bundles it (make assets) into ../assets/echarts.min.js, which exposes
// the same global `echarts` as the full build. When a chart needs another
// series type or component, import and register it here; the Chromium
// tests of pages, embeds, the map and the exports show what is missing.
import * as echarts from 'echarts/core';
// Series: line (values, projections, targets, bands), bar (breakdowns),
// map (the choropleth).
import { BarChart, LineChart, MapChart } from 'echarts/charts';
import {
  AriaComponent, // aria: every chart's description for screen readers
  GeoComponent, // geo: the home region's outline over the choropleth (pantau-charts.js)
  GraphicComponent, // graphic: a map's "data contoh" note; the exports' source line
  GridComponent, // grid and the x/y axes
  LegendComponent, // legend (plain)
  MarkLineComponent, // markLine: targets and reference values
  TitleComponent, // title: the PNG/SVG exports' title (pantau-share.js)
  TooltipComponent, // tooltip
  VisualMapPiecewiseComponent, // visualMap type piecewise: the choropleth's classes
} from 'echarts/components';
// SVG draws the pages' charts and the SVG export; canvas the PNG export.
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart, LineChart, MapChart,
  AriaComponent, GeoComponent, GraphicComponent, GridComponent, LegendComponent, MarkLineComponent,
  TitleComponent, TooltipComponent, VisualMapPiecewiseComponent,
  CanvasRenderer, SVGRenderer,
]);

window.echarts = echarts;
