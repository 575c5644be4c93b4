"""Helpers the tests share (not tests themselves): demo users as actors, a logged-in client, requests the
browser sends, walking component trees. No test module imports another; they import this and builders."""

from __future__ import annotations

import importlib
import pkgutil
import re
from contextlib import contextmanager
from types import ModuleType, SimpleNamespace

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

import layouts


def id_modules() -> list[ModuleType]:
    """layouts/ids.py and every module's layouts/<module>/ids.py, found, not listed."""
    found = [importlib.import_module("layouts.ids")]
    for package in pkgutil.iter_modules(layouts.__path__):
        if package.ispkg:
            try:
                found.append(importlib.import_module(f"layouts.{package.name}.ids"))
            except ModuleNotFoundError:
                continue
    return found


# Every component id by its constant's name, for tests that drive several modules' components.
ids = SimpleNamespace(**{k: v for m in id_modules() for k, v in vars(m).items() if not k.startswith("_")})
OUTPUTS = ["breadcrumb", "choices", "figure", "legend", "side", "kpis", "time", "message", "version"]


def recreate_database(url: URL) -> None:
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


@contextmanager
def scratch_demo(test_url: URL, name: str, seed: int, days_ago: int = 2):
    """A database of its own (the test database's name with `name`), with a tiny demo whose colour history
    ends `days_ago` days ago; dropped afterwards. For tests that write a lot."""
    from datetime import timedelta

    from data_access.demo.load import load_demo
    from data_access.setup_db import migrate
    from domain import clock

    url = test_url.set(database=test_url.database.replace("_test", f"_{name}_test"))
    recreate_database(url)
    migrate(url)
    engine = create_engine(url)
    load_demo(engine, scale=0.005, seed=seed, as_of=clock.today() - timedelta(days=days_ago))
    try:
        yield engine
    finally:
        engine.dispose()
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        admin.dispose()


def access_of(username: str):
    """The Actor of a demo user, logged in (a live session in the database), for calling the callbacks'
    functions directly."""
    from data_access.demo.users import DEMO_USERS

    name, display, role, org, _ = next(u for u in DEMO_USERS if u[0] == username)
    return signed_in(name, display, role, org)


def signed_in(username: str, display: str, role: str, org: str, address: str | None = None, engine=None):
    """An Actor with a live session, as a login opens one; the user is created first if need be (as the
    owner, in the settings' database or engine's: tests only). PostgreSQL takes the area and role from that
    session."""
    import secrets

    from data_access.engine import get_engine
    from data_access.users.accounts import hash_password
    from data_access.users.sessions import SESSION_LIFETIME, digest
    from domain.actor import Actor
    from domain.divisions import Scope

    token = secrets.token_urlsafe(32)
    with (engine or get_engine()).begin() as conn:
        user_id, role, org = conn.execute(text(
            "INSERT INTO app_user (username, display_name, role, org_code, password_hash) VALUES (:u, :d, :r, :o, :h)"
            " ON CONFLICT (username) DO UPDATE SET display_name = app_user.display_name"
            " RETURNING id, role, org_code"),
            {"u": username, "d": display, "r": role, "o": org, "h": hash_password(secrets.token_urlsafe())}).one()
        conn.execute(text("INSERT INTO app_session (token_sha256, user_id, username, role, scope, expires_at)"
                          " VALUES (:h, :i, :u, :r, :s, now() + :life)"),
                     {"h": digest(token), "i": user_id, "u": username, "r": role, "s": Scope(org).prefix,
                      "life": SESSION_LIFETIME})
    return Actor(username, display, role, org, address, token)


def logged_in_client(app_module, username: str, password: str | None = None):
    """A test client that logged in through the login form, as a browser does."""
    from data_access.demo.users import DEMO_USERS

    password = password or next(u[4] for u in DEMO_USERS if u[0] == username)
    client = app_module.server.test_client()
    page = client.get("/login").data.decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf": csrf, "username": username, "password": password, "next": "/"})
    assert response.status_code == 302, response.data[:300]
    return client


def view_callback_body(search: str) -> dict:
    """The request the browser sends for the map page's view callback (show_view)."""
    outputs = [(ids.BREADCRUMB, "children"), (ids.CHOICES, "children"), (ids.MAP_DRAWN, "data"),
               (ids.LEGEND, "children"), (ids.SIDE, "children"), (ids.KPIS, "children"),
               (ids.DATA_TIME, "children"), (ids.MESSAGE, "children"), (ids.LIVE_SEEN, "data")]
    return {"output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
            "outputs": [{"id": i, "property": p} for i, p in outputs],
            "inputs": [{"id": ids.URL, "property": "search", "value": search},
                       {"id": ids.LIVE_VERSION, "property": "data", "value": None}],
            "changedPropIds": [f"{ids.URL}.search"], "state": []}


def choropleths(figure: dict) -> list[dict]:
    return [t for t in figure["data"] if t["type"] == "choroplethmap"]


def shown_codes(figure: dict) -> list[str]:
    return [c for t in choropleths(figure) for c in t["locations"]]


def texts(component) -> str:
    """All the text in a tree, space-separated."""
    out, stack = [], list(component) if isinstance(component, list) else [component]
    while stack:
        node = stack.pop(0)
        if isinstance(node, str | int | float):
            out.append(str(node))
        elif isinstance(node, list):
            stack = node + stack
        elif hasattr(node, "to_plotly_json"):
            stack.insert(0, getattr(node, "children", None))
    return " ".join(out)


def head_revision() -> str:
    """The newest migration's revision (what a migrated database is at)."""
    from alembic.script import ScriptDirectory

    from data_access.setup_db import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
