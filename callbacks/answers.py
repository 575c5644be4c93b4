"""Answers of callbacks serialised once per question and shared by every process.

A Dash answer that holds components makes Dash fall back to plotly's recursive clean-up walk over the whole
answer (the map's figure included). An answer here is each output's JSON, made once with orjson from plain
values and kept in Redis; Dash gets it back as orjson fragments, which its serialiser copies as they are, so
a cached answer (3.4 MB for all enterprise points) is one Redis read and no parsing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path

import orjson

from data_access import aggregates
from data_access import cache as answers_cache
from data_access.session import reading
from data_access.settings import settings
from domain import clock
from domain.actor import Actor

ROOT = Path(__file__).resolve().parent.parent
# What an answer is drawn by: a change to any of these makes new keys, so no stale drawing is ever served.
DRAWN_BY = ("callbacks", "layouts", "i18n", "domain", "data_access")
# How long a process trusts the data version it last read for an area: a hit then needs no transaction at
# all. Open maps ask for the version every second, so a change still shows within two.
VERSION_SECONDS = 0.5
_versions: dict[str, tuple[float, str]] = {}
# What plotly's serialiser (Dash's) escapes in every answer, done once here so that it finds nothing to do.
ESCAPES = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"/", b"\\u002f"),
           ("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029"))


def plain(value):
    """Components as the JSON the browser receives (type, namespace, props), all the way down (what encoded
    writes, as Python values)."""
    if hasattr(value, "to_plotly_json"):
        value = value.to_plotly_json()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@cache
def code_version() -> str:
    """A digest of the source that draws answers and of the settings they depend on, read once."""
    digest = hashlib.sha256()
    for folder in DRAWN_BY:
        for path in sorted((ROOT / folder).rglob("*.py")):
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    config = settings()
    url = config.app_database_url
    digest.update(repr((url.host, url.port, url.database, config.language,
                        sorted(config.class_breaks.items()))).encode())
    return digest.hexdigest()[:16]


def encoded(value) -> bytes:
    """One output's JSON, escaped as plotly's serialiser would escape it."""
    raw = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS, default=_component)
    for unsafe, safe in ESCAPES:
        raw = raw.replace(unsafe, safe)
    return raw


def _component(value):
    """What orjson cannot write itself, which it asks for as it meets it: a component as its JSON (its props
    may hold components: asked for in turn), a database's exact number (numeric) as the float Dash's own
    serialiser would send. The figures' long arrays of numbers and strings are never walked in Python (at
    the scale-10 city a community's 3,000 enterprise points made a walk of 40 ms)."""
    if hasattr(value, "to_plotly_json"):
        return value.to_plotly_json()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def read_cached(actor: Actor, question: tuple, draw: Callable[[object, str], tuple],
                known: str | None = None, version_of: Callable[[object], str] | None = None
                ) -> tuple[orjson.Fragment, ...]:
    """The outputs for a question within the actor's area, as orjson fragments, at the area's data version:
    from the shared cache, or drawn in one read-only transaction and kept there.

    question must name everything else the answer depends on (the view, the asker's rights beyond the area);
    draw(conn, version) reads and draws it; known is a version the browser has already seen (a newer one
    than this process remembers is read afresh). version_of: a module's own data version (default: the
    map's, aggregates.data_version), read in the same transaction. DataUnavailable if the database cannot answer.
    """
    area = (actor.org_code, actor.role)
    seen = _versions.get(actor.org_code) if version_of is None else None
    if seen and time.monotonic() - seen[0] < VERSION_SECONDS and known in (None, seen[1]):
        kept = answers_cache.get(_key(area, question, seen[1]))
        if kept is not None:
            return _fragments(kept)
    with reading(actor) as conn:
        version = (version_of or aggregates.data_version)(conn)
        if version_of is None:
            remember_version(actor, version)
        name = _key(area, question, version)
        kept = answers_cache.get(name)
        if kept is None:
            outputs = [encoded(value) for value in draw(conn, version)]
            kept = orjson.dumps([len(o) for o in outputs]) + b"\n" + b"".join(outputs)
            answers_cache.put(name, kept)
    return _fragments(kept)


def remember_version(actor: Actor, version: str) -> None:
    """A data version just read for the actor's area (the open maps' poll reads it every second)."""
    _versions[actor.org_code] = (time.monotonic(), version)


def _key(area: tuple, question: tuple, version: str) -> str:
    return answers_cache.key(code_version(), clock.today().isoformat(), area, question, version)


def _fragments(kept: bytes) -> tuple[orjson.Fragment, ...]:
    sizes, _, body = kept.partition(b"\n")
    fragments, start = [], 0
    for size in orjson.loads(sizes):
        fragments.append(orjson.Fragment(body[start:start + size]))
        start += size
    return tuple(fragments)
