"""Component ids of the big screen."""

BIG_URL = "bigscreen-url"
BIG_TICK = "bigscreen-tick"
BIG_SOURCE = "bigscreen-source"  # the path of the cheap version check
BIG_WANTED = "bigscreen-wanted"  # what the screen should show: set by the poller, drawn by the server
BIG_SHOWN = "bigscreen-shown"  # what the screen shows: set when a drawing arrives
BIG_UPDATING = "bigscreen-updating"
BIG_TITLE = "bigscreen-title"
BIG_KPIS = "bigscreen-kpis"
BIG_MAP = "bigscreen-map"
BIG_LEGEND = "bigscreen-legend"
BIG_RANKING = "bigscreen-ranking"
BIG_TREND = "bigscreen-trend"
BIG_CLOCK = "bigscreen-clock"
BIG_PAGES = "bigscreen-pages"  # the big screen's pages in turn (?turn=N)
