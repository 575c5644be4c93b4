"""The one engine of the process."""

from __future__ import annotations

from functools import cache

from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Engine

from data_access.config import database_url


@cache
def engine_for(url: URL) -> Engine:
    return create_engine(
        url,
        pool_size=5,
        max_overflow=10,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5, "application_name": "sansetu"},
    )


def get_engine() -> Engine:
    return engine_for(database_url())
