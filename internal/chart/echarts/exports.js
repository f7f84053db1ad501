// The PNG and SVG downloads (pantau-share.js): the title, the source line
// (graphic) and the canvas the PNG is drawn on. Install files, not barrels
// (see lines.js).
import { install as GraphicComponent } from 'echarts/lib/component/graphic/install.js';
import { install as TitleComponent } from 'echarts/lib/component/title/install.js';
import { install as CanvasRenderer } from 'echarts/lib/renderer/installCanvasRenderer.js';

export default [GraphicComponent, TitleComponent, CanvasRenderer];
