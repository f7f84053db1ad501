// What every page chart uses: line (values, projections, targets, bands)
// and bar (breakdowns), drawn in SVG. Each part is imported from its own
// install file, not from echarts/charts or echarts/components: through
// those barrels esbuild would put every part in one shared chunk.
import { install as BarChart } from 'echarts/lib/chart/bar/install.js';
import { install as LineChart } from 'echarts/lib/chart/line/install.js';
import { install as AriaComponent } from 'echarts/lib/component/aria/install.js'; // every chart's description for screen readers
import { install as GridComponent } from 'echarts/lib/component/grid/install.js'; // grid and the x/y axes
import { install as LegendComponent } from 'echarts/lib/component/legend/installLegendPlain.js'; // legend (plain)
import { install as MarkLineComponent } from 'echarts/lib/component/marker/installMarkLine.js'; // targets and reference values
import { install as TooltipComponent } from 'echarts/lib/component/tooltip/install.js';
import { install as SVGRenderer } from 'echarts/lib/renderer/installSVGRenderer.js';

export default [BarChart, LineChart, AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer];
