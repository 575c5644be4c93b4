"""Component ids of the statistics tab."""

RANKING_CHART = "ranking-chart"
TREND_CHART = "trend-chart"
COMPARE_CHART = "compare-chart"
