/* The big screen's poller and clock (callbacks/bigscreen/screen.py registers them).

   poll: on every tick, unless a check or a drawing is already on its way, ask the server for the data's
   version (one small request, one at a time); when it differs from the picture shown, or the screen's size
   does, set the wanted picture, which the server draws. Nothing in flight is ever replaced, so a slow server
   delays the picture but never cancels it, and the last picture stays up meanwhile. */
(function () {
  const DRAW_PATIENCE_MS = 120000;  // a drawing that never came back (a lost response) is asked for again
  let asking = false;
  let shownSince = Date.now();  // when this page of the turn came up
  let turning = false;
  const refusedPages = new Set();  // pages whose version check was refused: not asked again (one audit row)

  function sameSize(a, b) {
    return Array.isArray(a) && Array.isArray(b) && a[0] === b[0] && a[1] === b[1];
  }

  // Added to the renderer's own object (not a copy): it puts set_props and callback_context there.
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.bigscreen = {
    poll: function (ticks, search, source, wanted, shown) {
      const ns = window.dash_clientside;
      const [wantedId, updatingId] = ns.callback_context.outputs_list.map((o) => o.id);
      const drawing = wanted && (!shown || shown.at !== wanted.at) && Date.now() - wanted.at < DRAW_PATIENCE_MS;
      if (asking || drawing || !source) {
        return [ns.no_update, ns.no_update];
      }
      asking = true;
      const size = [window.innerWidth, window.innerHeight];
      fetch(source + (search || ''), {credentials: 'same-origin', cache: 'no-store'})
        .then((response) => (response.ok ? response.json() : null))
        .then((version) => {
          if (!version) return;
          const current = shown && shown.ok && shown.key === version.key && sameSize(shown.size, size);
          if (!current) {
            ns.set_props(updatingId, {hidden: false});
            ns.set_props(wantedId, {data: {key: version.key, area: version.area, size: size, at: Date.now()}});
          }
        })
        .catch(() => null)
        .finally(() => { asking = false; });
      return [ns.no_update, ns.no_update];
    },
    // turn: with ?turn=N (seconds, at least 10), after N seconds go to the next of the big screen's pages
    // (SANSETU_BIGSCREEN_PAGES), keeping the query; a page the user may not see (its version check refused)
    // is not opened nor asked again, and this page stays for another N seconds.
    turn: function (ticks, search, pages) {
      const ns = window.dash_clientside;
      const seconds = parseInt(new URLSearchParams(search || '').get('turn') || '0', 10);
      const here = window.location.pathname;
      const open = Array.isArray(pages) ? pages.filter((p) => p === here || !refusedPages.has(p)) : [];
      if (!(seconds >= 10) || open.length < 2 || turning || Date.now() - shownSince < seconds * 1000) {
        return ns.no_update;
      }
      const next = open[(open.indexOf(here) + 1) % open.length];
      turning = true;
      fetch(next + '/version' + (search || ''), {credentials: 'same-origin', cache: 'no-store'})
        .then((response) => {
          if (response.ok) {
            window.location.assign(next + (search || ''));
          } else {
            if (response.status === 401 || response.status === 403) refusedPages.add(next);
            shownSince = Date.now();
            turning = false;
          }
        })
        .catch(() => { shownSince = Date.now(); turning = false; });
      return ns.no_update;
    },
    clock: function () {
      const parts = new Intl.DateTimeFormat('zh-CN', {
        timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
        hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
      }).formatToParts(new Date());
      const part = (type) => (parts.find((p) => p.type === type) || {}).value;
      return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
    },
  };
})();
