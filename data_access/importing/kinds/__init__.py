"""The six kinds of file the district receives, one module each; the registry registers BUILTIN.

A module of its own (rental houses, say) defines its Kind in its own package and calls
data_access.importing.registry.register(KIND); nothing here or in the framework changes.
"""

from __future__ import annotations

from data_access.importing.kinds import boundaries, employment, enterprises, health_codes, managed, residents

# In the order the import tab lists them.
BUILTIN = (health_codes.KIND, residents.KIND, enterprises.KIND, employment.KIND, managed.KIND, boundaries.KIND)
