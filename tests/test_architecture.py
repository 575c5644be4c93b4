"""The shape of the code: a module's sub-package in one layer uses only its own sub-packages in the other
layers and the shared parts, never another module's (import-linter holds each layer on its own)."""

from __future__ import annotations

import grimp

LAYERS = ("callbacks", "layouts", "data_access")


def test_no_module_imports_another_module_in_any_layer():
    import app

    names = {m.name for m in app.MODULES}
    graph = grimp.build_graph(*LAYERS, "domain", "geo", "i18n")
    crossings = []
    for importer in sorted(graph.modules):
        own = importer.split(".")
        if own[0] not in LAYERS or len(own) < 2 or own[1] not in names:
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            parts = imported.split(".")
            if parts[0] in LAYERS and len(parts) > 1 and parts[1] in names and parts[1] != own[1]:
                crossings.append(f"{importer} -> {imported}")
    assert crossings == []


def test_each_module_has_its_sub_package_in_the_layers_it_uses():
    import importlib

    import app

    for module in app.MODULES:
        for layer in ("callbacks", "layouts"):
            assert importlib.import_module(f"{layer}.{module.name}").__doc__, (layer, module.name)
