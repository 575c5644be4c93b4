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


APP_ROLE = "sansetu_app"
DEFAULT_APP_PASSWORD = "sansetu-app-local"  # local development only; set SANSETU_APP_DB_PASSWORD elsewhere


def app_database_url() -> URL:
    """Where the web application connects: APP_DATABASE_URL, else DATABASE_URL as the sansetu_app role.

    That role is no superuser and cannot bypass row-level security; set-up (DATABASE_URL) owns the schema.
    """
    if os.environ.get("APP_DATABASE_URL"):
        url = make_url(os.environ["APP_DATABASE_URL"])
        return url.set(drivername="postgresql+psycopg2") if url.drivername in ("postgresql", "postgres") else url
    return database_url().set(username=APP_ROLE, password=app_password())


def app_password() -> str:
    return os.environ.get("SANSETU_APP_DB_PASSWORD") or DEFAULT_APP_PASSWORD
