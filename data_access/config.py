"""Where the database is. One environment variable, one default."""

from __future__ import annotations

import os

from sqlalchemy.engine import URL, make_url

DEFAULT_DATABASE_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/sansetu"


def database_url() -> URL:
    """DATABASE_URL from the environment (a plain postgresql:// URL is read as psycopg2)."""
    url = make_url(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg2")
    return url
