"""Which kinds of file can be imported: the six built in (registered here, in kinds.BUILTIN's order) and
any a module registers. The loader, the command line and the import tab read the kinds from here only.

The lookup table import_kind holds the same names (migration 0004, and each module's own migration):
import_run.kind references it, so a kind must be in both (tests/test_import_kinds.py checks).
"""

from __future__ import annotations

from data_access.importing.base import Kind
from data_access.importing.kinds import BUILTIN

KINDS: dict[str, Kind] = {}  # by name, in registration order (the order the import tab lists them)


def register(new: Kind) -> Kind:
    """Add a kind; registering the same Kind again does nothing, another under a taken name is refused."""
    if KINDS.get(new.name, new) is not new:
        raise ValueError(f"import kind {new.name!r} is registered already")
    KINDS[new.name] = new
    return new


def kind(name: str) -> Kind:
    """The kind of that name (KeyError if none is registered)."""
    return KINDS[name]


def kinds() -> tuple[Kind, ...]:
    """Every kind, in display order."""
    return tuple(KINDS.values())


def names() -> tuple[str, ...]:
    return tuple(KINDS)


def table_kinds() -> tuple[str, ...]:
    """The kinds with an empty CSV/XLSX template to download (every tabular kind)."""
    return tuple(name for name, k in KINDS.items() if k.template)


for _builtin in BUILTIN:
    register(_builtin)
