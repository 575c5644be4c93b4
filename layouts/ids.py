"""Every component id of the app, defined once. tests/test_layouts.py checks that no two share a value."""

ROUTE = "route"  # the shell's location: which page
PAGE = "page-content"
URL = "url"  # the map page's location: which view (query string)
# map page
MAP_PAGE = "map-page"
BREADCRUMB = "breadcrumb"
CHOICES = "map-choices"
MAP = "community-map"
LEGEND = "map-legend"
SIDE = "side-panel"
KPIS = "kpi-tiles"
DATA_TIME = "data-time"
MESSAGE = "page-message"
TABS = "detail-tabs"
# enterprise table
TABLE_STATUS = "table-status"
TABLE_INDUSTRY = "table-industry"
TABLE_SEARCH = "table-search"
TABLE_HOLDER = "table-holder"
TABLE = "enterprise-table"  # a pattern id: see table()
TABLE_COUNT = "table-count"
EXPORTS = "table-exports"
# statistics
RANKING_CHART = "ranking-chart"
TREND_CHART = "trend-chart"
COMPARE_CHART = "compare-chart"
# big screen
BIG_PAGE = "bigscreen-page"
BIG_URL = "bigscreen-url"
BIG_SIZE = "bigscreen-size"
BIG_TICK = "bigscreen-tick"
BIG_VERSION = "bigscreen-version"
BIG_TITLE = "bigscreen-title"
BIG_KPIS = "bigscreen-kpis"
BIG_MAP = "bigscreen-map"
BIG_RANKING = "bigscreen-ranking"
BIG_TREND = "bigscreen-trend"
BIG_CLOCK = "bigscreen-clock"


def table(key: str) -> dict:
    """The grid's id: a new key per filter makes a new grid, which asks for its rows afresh."""
    return {"type": TABLE, "key": key}
