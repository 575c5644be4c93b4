/* A map fitted to its own box: the server draws the figure for a box of an assumed size (layouts/map_figure.py)
   and names the extent to show in layout.meta.fit ([west, south, east, north]); here the view is fitted to the
   graph's size on screen, so a drilled street or community is never cropped (a laptop's shorter map, a phone's
   narrow one). callbacks/map_fit.py registers it: the server's figure goes to a store, this puts it on the graph.
   The reader's own zoom survives live redraws (plotly's uirevision); a new view starts fitted. */
(function () {
  const WORLD = 512;  // MapLibre: the world is 512 pixels wide at zoom 0
  const ROOM = 0.92;  // the extent fills at most this share of the box, a margin on every side

  function mercatorY(lat) {
    const s = Math.sin(lat * Math.PI / 180);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }

  function latitude(y) {
    return 90 - 360 * Math.atan(Math.exp((y - 0.5) * 2 * Math.PI)) / Math.PI;
  }

  function fitted(extent, width, height) {
    const [west, south, east, north] = extent;
    const dx = Math.max((east - west) / 360, 1e-9);
    const top = mercatorY(north), bottom = mercatorY(south);
    const dy = Math.max(bottom - top, 1e-9);
    const zoom = Math.log2(Math.min(width * ROOM / (dx * WORLD), height * ROOM / (dy * WORLD)));
    return {center: {lon: (west + east) / 2, lat: latitude((top + bottom) / 2)},
            zoom: Math.round(Math.min(zoom, 16) * 100) / 100};
  }

  // The view each graph was last fitted to, by the graph's id: a window resized (a screen plugged in, a window
  // maximised) fits it again to its new box, unless the reader has moved the map since.
  const shown = {};

  function withView(figure, extent, box) {
    const view = fitted(extent, box.clientWidth, box.clientHeight);
    shown[box.id] = {extent: extent, view: view};
    const map = figure.layout.map || {};
    return Object.assign({}, figure, {layout: Object.assign({}, figure.layout, {map: Object.assign({}, map, view)})});
  }

  function same(a, b) {
    return Math.abs(a.zoom - b.zoom) < 0.01 && Math.abs(a.center.lon - b.center.lon) < 1e-6
      && Math.abs(a.center.lat - b.center.lat) < 1e-6;
  }

  function refit() {
    Object.keys(shown).forEach(function (id) {
      const box = document.getElementById(id);
      const plot = box && box.querySelector('.js-plotly-plot');
      const map = plot && plot.layout && plot.layout.map;
      if (!map || !map.center || !box.clientWidth || !box.clientHeight || !window.Plotly) {
        return;
      }
      const last = shown[id];
      if (!same({zoom: map.zoom, center: map.center}, last.view)) {
        return;  // moved or zoomed by the reader: theirs to keep
      }
      const view = fitted(last.extent, box.clientWidth, box.clientHeight);
      if (!same(view, last.view)) {
        last.view = view;
        window.Plotly.relayout(plot, {'map.center': view.center, 'map.zoom': view.zoom});
      }
    });
  }

  let resizing = null;
  window.addEventListener('resize', function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(refit, 250);  // once the window has settled (plotly resizes the graph first)
  });

  const WAIT_MS = 5000;  // a box laid out late (a tab just opened, the graph's code still loading): wait for it

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.map_fit = {
    fit: function (figure, graphId) {
      const noUpdate = window.dash_clientside.no_update;
      if (!figure) {
        return noUpdate;
      }
      const extent = figure.layout && figure.layout.meta && figure.layout.meta.fit;
      if (!extent) {
        return figure;  // no extent (an empty figure): as drawn
      }
      const sized = () => {
        const box = document.getElementById(graphId);
        return box && box.clientWidth && box.clientHeight ? box : null;
      };
      const box = sized();
      if (box) {
        return withView(figure, extent, box);
      }
      const started = Date.now();
      return new Promise(function (resolve) {
        (function wait() {
          const ready = sized();
          if (ready) {
            resolve(withView(figure, extent, ready));
          } else if (Date.now() - started > WAIT_MS) {
            resolve(figure);  // never laid out: as drawn
          } else {
            window.requestAnimationFrame(wait);
          }
        })();
      });
    },
  };
})();
