"""The statistics module: a tab under the map."""

from __future__ import annotations

from callbacks.modules import Module
from callbacks.statistics import charts
from domain.permissions import READ_STATISTICS
from layouts.statistics.tab import stats_tab

MODULE = Module(name=charts.TAB, label="tab.stats", action=READ_STATISTICS, tab_of="colour_map", layout=stats_tab,
                callbacks=charts.register)
