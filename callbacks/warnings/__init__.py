"""The warnings module: a tab under the map, where community workers follow warnings to the end."""

from __future__ import annotations

from callbacks.modules import Module
from callbacks.warnings import steps
from domain.permissions import READ_WARNINGS
from layouts.warnings.tab import warnings_tab

MODULE = Module(name=steps.TAB, label="tab.warnings", action=READ_WARNINGS, tab_of="colour_map",
                layout=warnings_tab, callbacks=steps.register)
