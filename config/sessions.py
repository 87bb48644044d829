"""Django's database sessions, read with one plain SELECT (SESSION_ENGINE = "config.sessions").

Every signed-in request reads its session row first. Through the ORM that read cost 0.36 ms of Python (building
and compiling the query) for 0.07 ms of work; the statement here is the same one, written once. Everything else —
the row, its expiry, saving, rotating, deleting, clearing expired rows — is Django's own store, unchanged.
The class keeps Django's name: the session data's signing salt is derived from it, so sessions stay valid.

A session signed in before `arbitration.auth_backend.UserBackend` replaced Django's ModelBackend names ModelBackend
as the backend that signed it in; Django would sign such a user out, since that path is no longer among
AUTHENTICATION_BACKENDS. It is read as naming UserBackend (ModelBackend with a cheaper `get_user`): the user stays
signed in, and the session's password hash is still checked (docs/deployment.md, "Sessions after an upgrade").
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

# Authentication backends replaced by another that signs in and answers exactly as they did: old path -> new path.
BACKENDS_RENAMED = {"django.contrib.auth.backends.ModelBackend": "arbitration.auth_backend.UserBackend"}


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict:
        data = self._session_data_read()
        session = self.decode(data) if data is not None else {}
        renamed = BACKENDS_RENAMED.get(session.get(BACKEND_SESSION_KEY))
        if renamed is not None and session[BACKEND_SESSION_KEY] not in settings.AUTHENTICATION_BACKENDS:
            session[BACKEND_SESSION_KEY] = renamed
        return session

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
