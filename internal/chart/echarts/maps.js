// The choropleth: the map series, the home region's outline over it (geo,
// pantau-charts.js), its classes (visualMap piecewise) and its "data
// contoh" note (graphic). Install files, not barrels (see lines.js).
import { install as MapChart } from 'echarts/lib/chart/map/install.js';
import { install as GeoComponent } from 'echarts/lib/component/geo/install.js';
import { install as GraphicComponent } from 'echarts/lib/component/graphic/install.js';
import { install as VisualMapPiecewiseComponent } from 'echarts/lib/component/visualMap/installVisualMapPiecewise.js';

export default [MapChart, GeoComponent, GraphicComponent, VisualMapPiecewiseComponent];
