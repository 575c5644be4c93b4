/* Links drawn as plain <a data-spa> (the map page's side lists: one Dash component a row, where dcc.Link
   rows cost the renderer several) open their view inside the page, as dcc.Link does: the URL changes,
   dcc.Location follows, nothing reloads. A click with a modifier key (a new tab) is left to the browser. */
document.addEventListener('click', function (event) {
  const link = event.target.closest ? event.target.closest('a[data-spa]') : null;
  if (!link || event.defaultPrevented || event.button !== 0
      || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  const href = link.getAttribute('href') || '';
  if (href.charAt(0) !== '/' || href.charAt(1) === '/') {
    return;  // only this site's own paths
  }
  event.preventDefault();
  window.history.pushState({}, '', href);
  window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
  window.scrollTo(0, 0);
});
