"""A shared answer cache in Redis: bytes by key, for every process of the server (gunicorn's workers too).

Best effort only: when Redis is down, slow or not configured (SANSETU_REDIS_URL empty), `get` finds
nothing and `put` keeps nothing, so the caller computes the answer itself; a failure is never an error page.
After a failure the cache is left alone for a few seconds, so a stopped Redis costs no request a timeout.
Callers build keys that hold everything the answer depends on: the scope, the role's rights, the view and
the data version (see callbacks/answers.py); the cache itself knows nothing of what it holds.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis

from data_access.settings import settings

TIMEOUT_SECONDS = 0.25  # a cache slower than this is no cache
RETRY_AFTER_SECONDS = 5.0  # after a failure, how long to answer without the cache
KEEP_SECONDS = 600  # an answer outlives its data version by at most this (Redis forgets it)
PREFIX = "sansetu:answer:"

_lock = threading.Lock()
_client: redis.Redis | None = None
_down_until = 0.0
_bypassed = False


def _redis() -> redis.Redis | None:
    global _client
    url = settings().redis_url
    if not url or _bypassed or time.monotonic() < _down_until:
        return None
    with _lock:
        if _client is None:
            _client = redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS,
                                           socket_connect_timeout=TIMEOUT_SECONDS, health_check_interval=30)
    return _client


def _failed() -> None:
    global _down_until
    _down_until = time.monotonic() + RETRY_AFTER_SECONDS


def key(*parts: object) -> str:
    """A fixed-length key for the parts (their repr, hashed: no part is readable in Redis)."""
    return PREFIX + hashlib.sha256(repr(parts).encode()).hexdigest()


def get(name: str) -> bytes | None:
    client = _redis()
    if client is None:
        return None
    try:
        return client.get(name)
    except redis.RedisError:
        _failed()
        return None


def put(name: str, value: bytes, seconds: int = KEEP_SECONDS) -> None:
    client = _redis()
    if client is None:
        return
    try:
        client.set(name, value, ex=seconds)
    except redis.RedisError:
        _failed()



@contextmanager
def bypassed() -> Iterator[None]:
    """Within the block this process neither reads nor keeps answers: every answer is computed (a miss)."""
    global _bypassed
    _bypassed = True
    try:
        yield
    finally:
        _bypassed = False
