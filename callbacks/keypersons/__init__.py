"""The key-persons module (精密智控): a page at /keypersons with batches, the communities' tasks, the district's
queue to place by hand, oversight and chains. Registers the key-persons import kind."""

from __future__ import annotations

from callbacks.keypersons import api, exports, page
from callbacks.modules import Module
from domain.permissions import READ_KEYPERSONS
from layouts.keypersons.page import keypersons_page

MODULE = Module(name="keypersons", label="nav.keypersons", action=READ_KEYPERSONS, path="/keypersons",
                layout=keypersons_page, callbacks=page.register, routes=exports.register, api=api.register,
                api_paths=frozenset({api.PATH}), subtitle="keypersons.subtitle")
