"""The enterprise table module: a tab under the map, with its exports."""

from __future__ import annotations

from callbacks.enterprises import exports, table
from callbacks.modules import Module
from domain.permissions import READ_ENTERPRISES
from layouts.enterprises.tab import table_tab

MODULE = Module(name="enterprises", label="tab.table", action=READ_ENTERPRISES, tab_of="colour_map",
                layout=table_tab, callbacks=table.register, routes=exports.register)
