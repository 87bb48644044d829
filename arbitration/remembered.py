"""Figures remembered for a few seconds in Django's cache (docs/scale.md, "Remembered figures").

A list's count and the navigation's queue counts are read on every page a person opens, and each is a count over
an index: remembering it for a few seconds makes following a list's next link, or opening one page after another,
cost no count at all. How long is a setting (0 turns it off); the cache is the process's own memory unless
CACHE_URL names a shared one (docs/settings.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")


def remembered(key: str, seconds: int, compute: Callable[[], T]) -> T:
    """`compute()`, or what it gave under `key` less than `seconds` ago."""
    if seconds <= 0:
        return compute()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return found


def remember(key: str, seconds: int, value) -> None:
    if seconds > 0:
        cache.set(key, value, seconds)


def forget(key: str) -> None:
    cache.delete(key)


def query_key(prefix: str, queryset) -> str:
    """A key naming exactly the rows `queryset` selects: its database, SQL and parameters."""
    sql, params = queryset.query.sql_with_params()
    digest = hashlib.sha256(f"{queryset.db}\0{sql}\0{params!r}".encode()).hexdigest()
    return f"{prefix}:{digest}"
