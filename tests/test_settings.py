"""One typed settings object: read and validated once; nothing else in the project reads the environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from data_access.settings import SettingsError, load

ROOT = Path(__file__).resolve().parent.parent
APP_CODE = ["app.py", "callbacks", "layouts", "data_access", "geo", "domain", "i18n"]


def test_only_the_settings_module_reads_the_environment():
    readers = []
    for place in APP_CODE:
        paths = [ROOT / place] if place.endswith(".py") else sorted((ROOT / place).rglob("*.py"))
        for path in paths:
            if re.search(r"os\.environ|getenv\(", path.read_text(encoding="utf-8")):
                readers.append(str(path.relative_to(ROOT)))
    assert readers == ["data_access/settings.py"]


def test_defaults_and_the_app_role_url():
    settings = load({})
    assert settings.database_url.drivername == "postgresql+psycopg2"
    assert settings.app_database_url.username == "sansetu_app"
    assert (settings.demo, settings.https, settings.port, settings.language) == (False, False, 8050, "zh-CN")


def test_values_are_read_and_checked():
    settings = load({"DATABASE_URL": "postgresql://u@db:5433/x", "SANSETU_DEMO": "1", "SANSETU_HTTPS": "1",
                     "PORT": "9000", "SANSETU_STATE_DIR": "/tmp/sansetu-state"})
    assert (settings.database_url.host, settings.database_url.port) == ("db", 5433)
    assert settings.app_database_url.host == "db" and settings.demo and settings.https and settings.port == 9000
    assert str(settings.uploads_dir) == "/tmp/sansetu-state/uploads"


@pytest.mark.parametrize("environ", [{"PORT": "eighty"}, {"PORT": "70000"}, {"SANSETU_DEMO": "yes"},
                                     {"SANSETU_LANG": "xx"}, {"DATABASE_URL": "::not a url::"},
                                     {"SANSETU_CLOCK_SKEW_MINUTES": "-1"}, {"SANSETU_CLOCK_SKEW_MINUTES": "2.5"},
                                     {"SANSETU_CLOCK_SKEW_MINUTES": "five"}, {"SANSETU_CLOCK_SKEW_MINUTES": "²"},
                                     {"SANSETU_CLOCK_SKEW_MINUTES": "1441"}, {"SANSETU_XLSX_SHEET_MB": "0"},
                                     {"SANSETU_XLSX_SHEET_MB": "1025"}, {"SANSETU_XLSX_SHEET_MB": "1.5"},
                                     {"SANSETU_CLASS_BREAKS": "red_ratio=0.05,0.01"}])
def test_a_bad_value_is_refused_at_start_up_naming_the_setting(environ):
    with pytest.raises(SettingsError) as refused:
        load(environ)
    assert next(iter(environ)) in str(refused.value)


def test_the_clock_skew_for_times_ahead_of_now_is_five_minutes_unless_set():
    assert load({}).clock_skew_minutes == 5
    assert load({"SANSETU_CLOCK_SKEW_MINUTES": "0"}).clock_skew_minutes == 0
    assert load({"SANSETU_CLOCK_SKEW_MINUTES": "30"}).clock_skew_minutes == 30


def test_an_xlsx_sheet_may_expand_to_forty_megabytes_unless_set():
    assert load({}).xlsx_sheet_mb == 40
    assert load({"SANSETU_XLSX_SHEET_MB": "100"}).xlsx_sheet_mb == 100


def test_imports_read_fifty_thousand_rows_at_a_time_unless_set():
    assert load({}).import_chunk_rows == 50_000
    assert load({"SANSETU_IMPORT_CHUNK_ROWS": "7"}).import_chunk_rows == 7
    for wrong in ("0", "-5", "1e5", "10000001"):
        with pytest.raises(SettingsError, match="SANSETU_IMPORT_CHUNK_ROWS"):
            load({"SANSETU_IMPORT_CHUNK_ROWS": wrong})


def test_the_secret_key_file_is_created_owner_only(tmp_path):
    settings = load({"SANSETU_STATE_DIR": str(tmp_path / "state")})
    key = settings.signing_key()
    assert len(key) == 64 and settings.signing_key() == key
    assert (tmp_path / "state" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_the_maps_class_thresholds_are_the_defaults_unless_set():
    from domain.classes import DEFAULT_BREAKS

    assert dict(load({}).class_breaks) == DEFAULT_BREAKS
    chosen = load({"SANSETU_CLASS_BREAKS": "red=1,10"}).class_breaks
    assert chosen["red"].bounds == (1, 10) and chosen["red_ratio"] == DEFAULT_BREAKS["red_ratio"]
