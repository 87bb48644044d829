"""Reads to a PostgreSQL replica, writes to the primary (docs/spread.md, "Read replica").

Only requests read from the replica, and only until they write: `ReplicaMiddleware` opens a request's read state;
outside a request (Celery tasks, commands, the sweep) every query goes to the primary, because they read what they
are about to change. Within a request the first write (a save, an update, a row lock) makes the rest of it read the
primary, as does an open transaction, and the middleware then sets a short-lived cookie so the same browser's next
requests (the page after a form's redirect) read the primary too until the replica has caught up.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
STICKY_COOKIE = "mingze_primary"


@dataclass
class ReadState:
    sticky: bool = False  # the browser wrote moments ago (the cookie)
    wrote: bool = False  # this request wrote


_state: ContextVar[ReadState | None] = ContextVar("mingze_read_state", default=None)


def replica_alias() -> str | None:
    """The alias reads may go to, or None when no replica is configured (MINGZE_READ_REPLICA)."""
    return settings.MINGZE_READ_REPLICA or None


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        state, alias = _state.get(), replica_alias()
        if alias is None or state is None or state.sticky or state.wrote:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS  # a transaction reads what it writes
        return alias

    def db_for_write(self, model, **hints) -> str:
        state = _state.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica is a copy of the primary: the same rows on both

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        return False if db == REPLICA else None  # it follows the primary's schema by replication


class ReplicaMiddleware:
    """Opens the request's read state (first in MIDDLEWARE, so sessions and authentication read through it too)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        state = ReadState(sticky=STICKY_COOKIE in request.COOKIES)
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.wrote and replica_alias() is not None:
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=settings.MINGZE_REPLICA_STICKY_SECONDS,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response
