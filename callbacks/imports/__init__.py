"""The import module: a tab under the map for data operators, its background job and downloads."""

from __future__ import annotations

from callbacks.imports import downloads, upload
from callbacks.modules import Module
from domain.permissions import IMPORT_DATA
from layouts.imports.tab import import_tab

MODULE = Module(name="imports", label="tab.import", action=IMPORT_DATA, tab_of="colour_map",
                layout=lambda: import_tab(upload.kind_choices()),
                callbacks=upload.register, routes=downloads.register)
