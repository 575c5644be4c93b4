"""The engines of the process: the owner's (set-up and the command line) and the three service roles'."""

from __future__ import annotations

from functools import cache

from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Engine

from data_access.settings import AUTH_ROLE, WRITER_ROLE, settings

# The service roles answer requests: each query is small and planned anew, so compiling it (JIT, which
# PostgreSQL starts once a plan's cost passes jit_above_cost) costs more than it saves. At the scale-10 city
# the map's statements crossed that line (data_time(): 12 ms of compiling in 13 ms), every drill step.
SERVICE_OPTIONS = "-c jit=off"


@cache
def engine_for(url: URL, options: str | None = None) -> Engine:
    return create_engine(
        url,
        pool_size=5,
        max_overflow=10,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5, "application_name": "sansetu", **({"options": options} if options else {})},
    )


def get_engine() -> Engine:
    """The owner's engine: set-up, migrations, loaders, the command line."""
    return engine_for(settings().database_url)


def app_engine() -> Engine:
    """The web application's engine: the sansetu_app role, under row-level security."""
    return engine_for(settings().app_database_url, SERVICE_OPTIONS)


def auth_engine() -> Engine:
    """The login page's engine: the sansetu_auth role (password hashes, sessions), nothing else."""
    return engine_for(settings().role_url(AUTH_ROLE), SERVICE_OPTIONS)


def writer_engine() -> Engine:
    """Imports and live batches from the web: the sansetu_writer role, checked against the sender's area."""
    return engine_for(settings().role_url(WRITER_ROLE), SERVICE_OPTIONS)


def after_fork() -> None:
    """In a child process (a background job): never reuse the parent's pooled connections."""
    for engine in (app_engine(), auth_engine(), writer_engine()):  # the web never uses the owner's
        engine.dispose(close=False)
