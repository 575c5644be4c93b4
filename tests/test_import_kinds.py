"""Each import kind is declared once (data_access/importing/kinds/), and the database and the UI agree with it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

import data_access.health_services.intake
import data_access.keypersons.intake
import data_access.policies.deaths
import data_access.policies.namelists  # policies: the departments' name lists
import data_access.policies.returns  # noqa: F401  (policies: the bank's returned file)
from data_access.importing import registry
from data_access.importing.base import Kind
from data_access.proxy import citylist as _proxy_kind  # noqa: F401  (registered by its package)
from i18n import zh_CN


def test_registered_kinds_are_the_rows_of_import_kind(conn):
    rows = {r[0] for r in conn.execute(text("SELECT name FROM import_kind"))}
    assert set(registry.names()) == rows


def test_a_run_of_a_kind_the_database_does_not_know_is_refused(conn):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError, match="import_run_kind_fkey"):
        conn.execute(text("""INSERT INTO import_run (started_at, username, org_code, kind, file_name, file_sha256,
                             result) VALUES (now(), 'x', '330105000000', 'rental_houses', 'f.csv', repeat('0', 64),
                             'rejected')"""))


def test_every_kind_has_its_label_in_the_catalogue():
    for kind in registry.kinds():
        assert kind.label == f"kind.{kind.name}"
        assert kind.label in zh_CN.TEXT, kind.name


def test_the_import_tab_lists_the_kinds_in_its_order_with_the_options_it_showed():
    # What layouts/imports.py hard-coded before the kinds described themselves.
    builtin = ("health_codes", "residents", "enterprises", "employment", "managed", "boundaries")
    assert registry.names()[:6] == builtin  # then the modules' kinds (appeals)
    for kind in registry.kinds():
        datums = ("gcj02", "bd09") if kind.name in ("enterprises", "boundaries") else ()
        places = ("point_wins", "strict_places") if kind.name == "enterprises" else ()
        assert kind.options == datums + places + ("skip_bad_rows", "check_only"), kind.name
        assert all(f"ui.import.{o}" in zh_CN.TEXT for o in kind.options)
        assert kind.modes == (("changes", "snapshot") if kind.name == "health_codes" else ())
        assert all(f"ui.import.mode.{m}" in zh_CN.TEXT for m in kind.modes)
        assert kind.crs == (kind.name == "boundaries")
        assert kind.template == (kind.name != "boundaries")
    # the modules' kinds follow the built-in ones, in the order their modules were imported
    table_kinds = registry.table_kinds()
    assert table_kinds[:5] == ("health_codes", "residents", "enterprises", "employment", "managed")
    assert sorted(table_kinds[5:]) == ["appeals", "civil_roll", "deaths_list", "disabled_list", "keypersons",
                                      "payment_returns", "proxy_list", "retiree_list"]


def test_a_tabular_kind_describes_every_step_and_its_staging_copies_known_fields():
    for kind in registry.kinds():
        assert kind.verify and kind.merge, kind.name
        if kind.prepare is None:  # read as a table of its fields
            # a key, except the departments' name lists: their rows may repeat anything (warned, not refused)
            assert kind.fields and kind.stage_columns and (kind.key or kind.review), kind.name
            names = {f.name for f in kind.fields}
            assert set(kind.copied) <= names and set(kind.key) <= names, kind.name
        else:
            assert kind.stage, kind.name


def test_a_module_adds_a_kind_by_registering_it_and_a_taken_name_is_refused():
    rental = Kind("rental_houses_test")
    try:
        assert registry.register(rental) is rental
        assert registry.register(rental) is rental  # again: nothing changes
        assert registry.kind("rental_houses_test") is rental and "rental_houses_test" in registry.names()
        with pytest.raises(ValueError, match="registered already"):
            registry.register(Kind("rental_houses_test"))
        with pytest.raises(ValueError, match="registered already"):
            registry.register(Kind("residents"))
    finally:
        registry.KINDS.pop("rental_houses_test", None)
