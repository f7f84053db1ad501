// Pantau embed resizer, for pages that embed Pantau charts with the
// "script" embed code. It sizes every Pantau iframe on the page to the
// height its content reports through postMessage, as Datawrapper's embeds
// do. It reads only messages from the Pantau server this script came from,
// and only a number from them. No cookies, no other requests.
(function () {
  'use strict';
  if (window.__pantauEmbed) return;
  window.__pantauEmbed = true;
  var me = document.currentScript;
  var origin = me && me.src ? new URL(me.src, location.href).origin : null;
  window.addEventListener('message', function (e) {
    if (!origin || e.origin !== origin || !e.data || typeof e.data !== 'object') return;
    var m = e.data['pantau-embed'];
    if (!m || typeof m.height !== 'number' || !isFinite(m.height)) return;
    var h = Math.round(Math.min(Math.max(m.height, 80), 4000));
    var frames = document.querySelectorAll('iframe[data-pantau-embed]');
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === e.source) {
        frames[i].style.height = h + 'px';
        frames[i].setAttribute('height', String(h));
        frames[i].setAttribute('data-pantau-charts', String(m.charts | 0));
        // Tell the embed its height is now ours to set: it stops filling
        // the frame's given height and reports its content's own.
        e.source.postMessage({ 'pantau-embed-host': 1 }, origin);
      }
    }
  });
})();
