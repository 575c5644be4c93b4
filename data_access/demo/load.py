"""Load the demo district into an empty database, in one transaction, with COPY."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import Engine, text

from data_access.bulk import copy_frame, foreign_keys_deferred
from data_access.demo.appeals import demo_scale, load_demo_appeals
from data_access.demo.city import grow
from data_access.demo.generate import DemoData, generate
from data_access.demo.keypersons import load_demo_keypersons
from data_access.demo.migrants import load_demo_migrants  # migrants (新拱墅人一码通)
from data_access.demo.policies import load_demo_policies  # policies (民生直达, 亲清在线)
from data_access.demo.policy_lists import load_demo_deaths, load_demo_name_lists  # policies: the departments' lists
from data_access.demo.proxy import load_demo_proxy
from data_access.demo.users import create_demo_users

REGISTERS = ["person", "enterprise", "employment", "health_code", "health_code_history", "managed_person"]


@dataclass
class LoadReport:
    loaded: bool
    rows: dict[str, int] = field(default_factory=dict)
    users: list[tuple[str, str, str, str]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def database_is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not conn.execute(text("SELECT EXISTS (SELECT 1 FROM district)")).scalar()


def load_demo(engine: Engine, scale: float = 1.0, seed: int = 2020, as_of: date | None = None) -> LoadReport:
    """Generate and load the demo district; does nothing when the database already holds a district."""
    report = LoadReport(loaded=False)
    if not database_is_empty(engine):
        report.rows.update(load_module_demos(engine, seed))  # a module added since the demo was loaded
        return report
    started = time.perf_counter()
    # A city (scale above 1): the district at scale 1, then copies of its people made in PostgreSQL.
    district_scale = min(scale, 1.0)
    data = generate(district_scale, seed, as_of)
    report.seconds["generate"] = time.perf_counter() - started
    with engine.begin() as conn:
        # One loader at a time; a second one waits here, then finds the district and stops.
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('sansetu.demo_load'))"))
        if conn.execute(text("SELECT EXISTS (SELECT 1 FROM district)")).scalar():
            return report
        conn.execute(text("SET LOCAL sansetu.bulk_load = 'on'"))
        started = time.perf_counter()
        report.rows.update(_copy_divisions(conn, data))
        with foreign_keys_deferred(conn, REGISTERS):
            report.rows.update(_copy_registers(conn, data))
        del data  # the city's copies are made from the rows loaded
        report.seconds["copy"] = time.perf_counter() - started
        started = time.perf_counter()
        conn.execute(text("SELECT refresh_all_stats()"))
        report.seconds["aggregate"] = time.perf_counter() - started
        started = time.perf_counter()
        managed_upto = conn.execute(text("SELECT coalesce(max(id), 0) FROM managed_person")).scalar()
        report.rows.update(load_demo_appeals(conn, district_scale, seed))
        report.rows.update(load_demo_proxy(conn, district_scale, seed))
        report.rows.update(load_demo_keypersons(conn, district_scale, seed))
        report.rows.update(load_demo_migrants(conn, district_scale, seed))  # migrants (新拱墅人一码通)
        report.rows.update(load_demo_policies(conn, district_scale, seed))  # policies
        report.rows.update(load_demo_name_lists(conn, seed))  # policies: the departments' name lists
        report.rows.update(load_demo_deaths(conn, seed))  # policies: the deaths list
        report.seconds["modules"] = time.perf_counter() - started
        if scale > 1:  # the modules' demos stay the district's; the registers grow to a city
            started = time.perf_counter()
            with foreign_keys_deferred(conn, REGISTERS):
                report.rows.update(grow(conn, scale, seed, managed_upto))
            conn.execute(text("SELECT refresh_all_stats()"))
            report.seconds["city"] = time.perf_counter() - started
        report.users = create_demo_users(conn)
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # VACUUM too: it sets the visibility map, so the lookups of a batch of changes read indexes alone
        # (index-only scans) instead of visiting every row's page as well.
        conn.execute(text("VACUUM (ANALYZE)"))
    report.seconds["analyze"] = time.perf_counter() - started
    report.loaded = True
    return report


def load_module_demos(engine: Engine, seed: int = 2020) -> dict[str, int]:
    """The modules' demo data, into an existing demo database (one whose demo users exist) whose module
    tables are empty: a module added after the demo was loaded shows after the upgrade."""
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('sansetu.demo_load'))"))
        if not conn.execute(text("SELECT EXISTS (SELECT 1 FROM app_user WHERE demo_password)")).scalar():
            return {}
        scale = min(demo_scale(conn), 1.0)  # a city's modules are the district's
        return (load_demo_appeals(conn, scale, seed) | load_demo_proxy(conn, scale, seed)
                | load_demo_keypersons(conn, scale, seed)
                | load_demo_migrants(conn, scale, seed)  # migrants (新拱墅人一码通)
                | load_demo_policies(conn, scale, seed)  # policies
                | load_demo_name_lists(conn, seed)  # policies: the departments' name lists
                | load_demo_deaths(conn, seed))  # policies: the deaths list


def _copy_divisions(conn, data: DemoData) -> dict[str, int]:
    d = data.divisions.assign(geom="SRID=4326;" + data.divisions.wkt)
    rows = {}
    rows["district"] = copy_frame(conn, "district", d[d.level == "district"][["code", "name", "geom"]])
    streets = d[d.level == "street"].rename(columns={"parent_code": "district_code"})
    rows["street"] = copy_frame(conn, "street", streets[["code", "name", "district_code", "geom"]])
    communities = d[d.level == "community"].rename(columns={"parent_code": "street_code"})
    rows["community"] = copy_frame(conn, "community", communities[["code", "name", "street_code", "geom"]])
    return rows


def _copy_registers(conn, data: DemoData) -> dict[str, int]:
    persons = data.persons[["id_number", "name", "phone", "residence_type", "community_code", "address"]]
    # The file-like path: enterprises arrive with a point and no community; PostGIS assigns it.
    enterprises = data.enterprises.assign(
        location="SRID=4326;POINT(" + data.enterprises.lon.round(6).astype(str) + " "
        + data.enterprises.lat.round(6).astype(str) + ")"
    )[["credit_code", "name", "address", "industry", "location"]]
    employment = data.employment[["credit_code", "id_number", "since"]].assign(
        since=data.employment.since.dt.strftime("%Y-%m-%d"))
    managed = data.managed.assign(
        start_date=data.managed.start_date.dt.strftime("%Y-%m-%d"),
        end_date=data.managed.end_date.dt.strftime("%Y-%m-%d"),
    )
    return {
        "person": copy_frame(conn, "person", persons),
        "enterprise": copy_frame(conn, "enterprise", enterprises),
        "employment": copy_frame(conn, "employment", employment),
        "health_code": copy_frame(conn, "health_code", _seconds(data.colours.current)),
        "health_code_history": copy_frame(conn, "health_code_history", _seconds(data.colours.history)),
        "managed_person": copy_frame(conn, "managed_person", managed),
    }


def _seconds(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(changed_at=frame.changed_at.dt.floor("s"))
