"""Every component id of the app, defined once. tests/test_layouts.py checks that no two share a value."""

ROUTE = "route"  # the shell's location: which page
PAGE = "page-content"
URL = "url"  # the map page's location: which view (query string)
# map page
MAP_PAGE = "map-page"
LIVE_TICK = "live-tick"  # every second: has the data changed?
LIVE_VERSION = "live-version"  # the newest data version seen; a change redraws the view
LIVE_SEEN = "live-seen"  # the data version the view on screen was drawn from
BREADCRUMB = "breadcrumb"
CHOICES = "map-choices"
MAP = "community-map"
LEGEND = "map-legend"
SIDE = "side-panel"
KPIS = "kpi-tiles"
DATA_TIME = "data-time"
MESSAGE = "page-message"
USER_BOX = "user-box"
REVEAL = "reveal-person"  # a pattern id: see reveal()
REVEALED = "revealed-person"
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
# audit log and users
AUDIT_PAGE = "audit-page"
AUDIT_ACTION = "audit-action"
AUDIT_USER = "audit-user"
AUDIT_SINCE = "audit-since"
AUDIT_TABLE = "audit-table"
AUDIT_EXPORT = "audit-export"
ADMIN_PAGE = "admin-page"
ADMIN_TABLE = "admin-table"
ADMIN_USERNAME = "admin-username"
ADMIN_NAME = "admin-name"
ADMIN_ROLE = "admin-role"
ADMIN_ORG = "admin-org"
ADMIN_CREATE = "admin-create"
ADMIN_DISABLE = "admin-disable"
ADMIN_ENABLE = "admin-enable"
ADMIN_RESET = "admin-reset"
ADMIN_MESSAGE = "admin-message"
TOKEN_NAME = "token-name"
TOKEN_DESCRIPTION = "token-description"
TOKEN_CREATE = "token-create"
TOKEN_REVOKE = "token-revoke"
TOKEN_TABLE = "token-table"
TOKEN_MESSAGE = "token-message"
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


def reveal(index: int) -> dict:
    """The button that reveals the full data of row index of an enterprise's non-green staff."""
    return {"type": REVEAL, "index": index}

IMPORT_TAB = "import-tab"
IMPORT_KIND = "import-kind"
IMPORT_MODE = "import-mode"
IMPORT_OPTIONS = "import-options"
IMPORT_CRS = "import-crs"
IMPORT_TEMPLATES = "import-templates"
IMPORT_UPLOAD = "import-upload"
IMPORT_FILE = "import-file"
IMPORT_JOB = "import-job"  # the uploaded file, signed by the server
IMPORT_START = "import-start"
IMPORT_PROGRESS = "import-progress"
IMPORT_STAGE = "import-stage"
IMPORT_RESULT = "import-result"
IMPORT_HISTORY = "import-history"
