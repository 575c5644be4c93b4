"""Every component id of the app, defined once. tests/test_layouts.py checks that no two share a value."""

MAP_PAGE = "map-page"
METRIC = "map-metric"
MAP = "community-map"
KPIS = "kpi-tiles"
DATA_TIME = "data-time"
MESSAGE = "page-message"
