"""Component ids of the statistics tab."""

RANKING_CHART = "ranking-chart"
TREND_CHART = "trend-chart"
COMPARE_CHART = "compare-chart"
VIEW = "statistics-view"  # the URL's query while the tab is looked at (set in the browser)
