"""Sign-in with a user name and password, and the signed-in user of every request (AUTHENTICATION_BACKENDS).

Django's ModelBackend, except for `get_user`, which every signed-in request calls with the session's user id:
instead of the ORM's query for the user row, then one for the roles and departments and one for the model
permissions, one plain statement reads them all (`arbitration.models.users.user_signed_in`) and leaves them on the
request's user object, where `roles`, `department_ids`, `has_perm` and Django's permission checks find them.
Nothing is kept beyond that object: an administrator's change counts on the next request. Signing in, the
password check and the permission rules are ModelBackend's own; an inactive user is refused as it refuses one.

Sessions written before this backend replaced ModelBackend name ModelBackend; the session store reads them as
naming this one (config/sessions.py, docs/deployment.md).
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend

from arbitration.models.users import user_signed_in


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        user = user_signed_in(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        return await sync_to_async(self.get_user)(user_id)
