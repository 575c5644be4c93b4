"""Component ids of the three-colour map page."""

LIVE_TICK = "live-tick"  # every second: has the data changed?
LIVE_VERSION = "live-version"  # the newest data version seen; a change redraws the view
LIVE_SEEN = "live-seen"  # the data version the view on screen was drawn from
BREADCRUMB = "breadcrumb"
CHOICES = "map-choices"
MAP = "community-map"
MAP_DRAWN = "community-map-drawn"  # the server's figure, put on the map fitted to its box (callbacks/map_fit.py)
LEGEND = "map-legend"
SIDE = "side-panel"
KPIS = "kpi-tiles"
DATA_TIME = "data-time"
MESSAGE = "page-message"
HISTORY_DAY = "history-day"  # the day the map shows (empty: now)
HISTORY_PLAY = "history-play"  # steps through the days, one per tick, up to now
HISTORY_TICK = "history-tick"
REVEAL = "reveal-person"  # a pattern id: see reveal()
REVEALED = "revealed-person"


def reveal(index: int) -> dict:
    """The button that reveals the full data of row index of an enterprise's non-green staff."""
    return {"type": REVEAL, "index": index}
SEARCH = "place-search"  # an enterprise, community or street by name or credit code
SEARCH_RESULTS = "place-search-results"
