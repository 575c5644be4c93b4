"""The one typed settings object: read from the environment once, at start-up, and validated there.

Nothing else in the project reads the environment. `settings()` is the process's settings; tests and the
command line may build their own with `load(environ)`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from functools import cache
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from domain.classes import DEFAULT_BREAKS, Breaks, parse_breaks
from domain.scoreboard import parse_time_of_day, parse_weights

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/sansetu"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
APP_ROLE = "sansetu_app"  # the web application, under row-level security
AUTH_ROLE = "sansetu_auth"  # the login page: password hashes and sessions
WRITER_ROLE = "sansetu_writer"  # imports and live batches from the web, checked against the sender's area
SERVICE_ROLES = (APP_ROLE, AUTH_ROLE, WRITER_ROLE)  # one password (SANSETU_APP_DB_PASSWORD) for the three
DEFAULT_APP_PASSWORD = "sansetu-app-local"  # local development only; set SANSETU_APP_DB_PASSWORD elsewhere
LANGUAGES = ("zh-CN",)
MOST_CLOCK_SKEW_MINUTES = 24 * 60
MOST_XLSX_SHEET_MB = 1024


class SettingsError(ValueError):
    """A setting with a value that cannot work; the message names it (one line)."""


@dataclass(frozen=True)
class Settings:
    database_url: URL  # the owner: set-up, migrations, loaders, the command line
    app_database_url: URL  # the web application: the sansetu_app role, under row-level security
    app_password: str
    demo: bool = False  # SANSETU_DEMO=1: the published demo passwords are allowed
    https: bool = False  # SANSETU_HTTPS=1: session cookies only over HTTPS
    secret_key: str | None = field(default=None, repr=False)  # SANSETU_SECRET_KEY, else kept in state_dir
    host: str = "127.0.0.1"
    port: int = 8050
    language: str = "zh-CN"
    state_dir: Path = ROOT / ".sansetu"  # secret key, uploads, background jobs, caches
    clock_skew_minutes: int = 5  # SANSETU_CLOCK_SKEW_MINUTES: how far ahead of now a row's time may lie
    # SANSETU_XLSX_SHEET_MB: the most an XLSX sheet (or its shared strings) may expand to; larger is refused
    # before it is parsed, so memory and time stay bounded (a CSV of any size is read instead)
    xlsx_sheet_mb: int = 40
    # SANSETU_IMPORT_CHUNK_ROWS: rows of a file read, checked and staged at a time (memory stays bounded)
    import_chunk_rows: int = 50_000
    # SANSETU_CLASS_BREAKS: the map's fixed class thresholds per metric (domain/classes.py)
    class_breaks: Mapping[str, Breaks] = field(default_factory=lambda: dict(DEFAULT_BREAKS))
    # SANSETU_REDIS_URL: the answer cache shared by the server's processes; empty: no cache
    redis_url: str | None = DEFAULT_REDIS_URL
    # scoreboard: SANSETU_SCOREBOARD_WEIGHTS ("appeals.backlog=2,proxy.coverage=1"; a measure not named weighs 1)
    scoreboard_weights: Mapping[str, float] = field(default_factory=dict)
    # SANSETU_BIGSCREEN_PAGES: the big screen's pages in turn (/bigscreen?turn=60 moves on every 60 s)
    bigscreen_pages: tuple[str, ...] = ("/bigscreen", "/scoreboard/screen")
    chromium_path: str = "/usr/bin/chromium"  # SANSETU_CHROMIUM: prints the daily brief's PDF (no outside request)
    # SANSETU_BRIEF_AT: the time of day (Beijing, HH:MM) the day's brief is made on its own; "off": never
    brief_at: time | None = time(7, 30)
    # SANSETU_BRIEF_USER: whose brief (his area, in his name): the account the scheduled brief is made as
    brief_user: str = "leader"

    @property
    def uploads_dir(self) -> Path:
        return self.state_dir / "uploads"

    @property
    def jobs_dir(self) -> Path:
        return self.state_dir / "jobs"

    def role_url(self, role: str) -> URL:
        """One of the service roles' URL: the application's, under that role's name (same password)."""
        return self.app_database_url.set(username=role)

    def signing_key(self) -> str:
        """SANSETU_SECRET_KEY, else a random key kept in state_dir/secret_key (created once, owner-only)."""
        if self.secret_key:
            return self.secret_key
        path = self.state_dir / "secret_key"
        if not path.exists():
            self.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        return path.read_text().strip()


def _postgres(value: str, name: str) -> URL:
    try:
        url = make_url(value)
    except Exception as exc:  # sqlalchemy raises ArgumentError with an English text: name the setting instead
        raise SettingsError(f"{name}: {value!r}") from exc
    return url.set(drivername="postgresql+psycopg2") if url.drivername in ("postgresql", "postgres") else url


def _flag(environ: Mapping[str, str], name: str) -> bool:
    value = environ.get(name, "")
    if value not in ("", "0", "1"):
        raise SettingsError(f"{name} must be 0 or 1: {value!r}")
    return value == "1"


def load(environ: Mapping[str, str]) -> Settings:
    """Settings from an environment, validated."""
    database = _postgres(environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL, "DATABASE_URL")
    password = environ.get("SANSETU_APP_DB_PASSWORD") or DEFAULT_APP_PASSWORD
    app = (_postgres(environ["APP_DATABASE_URL"], "APP_DATABASE_URL") if environ.get("APP_DATABASE_URL")
           else database.set(username=APP_ROLE, password=password))
    port = environ.get("PORT", "8050")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingsError(f"PORT: {port!r}")
    skew = environ.get("SANSETU_CLOCK_SKEW_MINUTES") or "5"
    if not (skew.isascii() and skew.isdigit()) or int(skew) > MOST_CLOCK_SKEW_MINUTES:
        raise SettingsError(f"SANSETU_CLOCK_SKEW_MINUTES must be whole minutes from 0 to "
                            f"{MOST_CLOCK_SKEW_MINUTES}: {skew!r}")
    sheet_mb = environ.get("SANSETU_XLSX_SHEET_MB") or "40"
    if not (sheet_mb.isascii() and sheet_mb.isdigit()) or not 0 < int(sheet_mb) <= MOST_XLSX_SHEET_MB:
        raise SettingsError(f"SANSETU_XLSX_SHEET_MB must be whole megabytes from 1 to {MOST_XLSX_SHEET_MB}:"
                            f" {sheet_mb!r}")
    chunk = environ.get("SANSETU_IMPORT_CHUNK_ROWS") or "50000"
    if not (chunk.isascii() and chunk.isdigit()) or not 0 < int(chunk) <= 10_000_000:
        raise SettingsError(f"SANSETU_IMPORT_CHUNK_ROWS must be a whole number of rows from 1 to 10000000: {chunk!r}")
    language = environ.get("SANSETU_LANG", "zh-CN")
    if language not in LANGUAGES:
        raise SettingsError(f"SANSETU_LANG: {language!r}")
    try:
        breaks = parse_breaks(environ.get("SANSETU_CLASS_BREAKS", ""))
    except ValueError as exc:
        raise SettingsError(f"SANSETU_CLASS_BREAKS: {exc}") from None
    redis = environ.get("SANSETU_REDIS_URL", DEFAULT_REDIS_URL)
    if redis and not redis.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(f"SANSETU_REDIS_URL: {redis!r}")
    try:  # scoreboard
        weights = parse_weights(environ.get("SANSETU_SCOREBOARD_WEIGHTS", ""))
    except ValueError as exc:
        raise SettingsError(f"SANSETU_SCOREBOARD_WEIGHTS: {exc}") from None
    try:  # scoreboard: the daily brief on a schedule
        brief_at = parse_time_of_day(environ.get("SANSETU_BRIEF_AT", "07:30"))
    except ValueError:
        raise SettingsError(f"SANSETU_BRIEF_AT must be HH:MM (Beijing time) or off: "
                            f"{environ.get('SANSETU_BRIEF_AT')!r}") from None
    pages = tuple(p.strip() for p in environ.get("SANSETU_BIGSCREEN_PAGES", "/bigscreen,/scoreboard/screen").split(","))
    if not all(p.startswith("/") and p[1:].replace("/", "").replace("_", "").isalnum() for p in pages):
        raise SettingsError(f"SANSETU_BIGSCREEN_PAGES: {pages!r}")
    return Settings(
        database_url=database, app_database_url=app, app_password=password,
        demo=_flag(environ, "SANSETU_DEMO"), https=_flag(environ, "SANSETU_HTTPS"),
        secret_key=environ.get("SANSETU_SECRET_KEY") or None, host=environ.get("HOST", "127.0.0.1"),
        port=int(port), language=language, clock_skew_minutes=int(skew), class_breaks=breaks,
        xlsx_sheet_mb=int(sheet_mb), import_chunk_rows=int(chunk),
        redis_url=redis or None,
        state_dir=Path(environ["SANSETU_STATE_DIR"]) if environ.get("SANSETU_STATE_DIR") else ROOT / ".sansetu",
        scoreboard_weights=weights, bigscreen_pages=pages,
        chromium_path=environ.get("SANSETU_CHROMIUM") or "/usr/bin/chromium",
        brief_at=brief_at, brief_user=environ.get("SANSETU_BRIEF_USER") or "leader",
    )


@cache
def settings() -> Settings:
    """The process's settings, read once."""
    return load(os.environ)


def database_url() -> URL:
    return settings().database_url


def app_database_url() -> URL:
    return settings().app_database_url
