"""Issuing, rotating and revoking the API keys of systems (docs/hardening.md).

A key reads `mz_<prefix>_<secret>`: the prefix finds the row, the secret is checked against its SHA-256 hash (a
random 256-bit secret needs no slow hash: there is nothing to guess from a dictionary). The secret is returned
once, when the key is issued, and never stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from arbitration.errors import NotFound
from arbitration.history import save_attributed
from arbitration.models.api_keys import ApiKey

KEY_PREFIX = "mz"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> tuple[str, str]:
    return secrets.token_hex(4), secrets.token_urlsafe(32)


@transaction.atomic
def api_key_issue(*, name: str, user, scope: str, days: int, actor=None) -> tuple[ApiKey, str]:
    """A new key; returns it with the full key text, shown to the caller once."""
    prefix, secret = _new_secret()
    key = ApiKey(name=name, user=user, scope=scope, prefix=prefix, secret_hash=_hash(secret),
                 expires_at=timezone.now() + dt.timedelta(days=days))  # fmt: skip
    key.full_clean()
    save_attributed(key, actor=actor, reason=gettext_noop("API key issued"))
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def api_key_rotate(*, name: str, days: int, grace_hours: int, actor=None) -> tuple[ApiKey, str]:
    """A new key under the same name and scope; the old one keeps working for `grace_hours`, so the system can
    switch without a gap, then expires."""
    old = ApiKey.objects.select_for_update().filter(name=name, revoked_at=None).first()
    if old is None:
        raise NotFound()
    stamp = timezone.now()
    old.name = f"{name} (rotated {stamp:%Y-%m-%d %H:%M:%S})"[:100]
    old.expires_at = min(old.expires_at, stamp + dt.timedelta(hours=grace_hours))
    save_attributed(old, actor=actor, reason=gettext_noop("API key rotated"), update_fields=["name", "expires_at"])
    return api_key_issue(name=name, user=old.user, scope=old.scope, days=days, actor=actor)


@transaction.atomic
def api_key_revoke(*, name: str, actor=None) -> ApiKey:
    key = ApiKey.objects.select_for_update().filter(name=name, revoked_at=None).first()
    if key is None:
        raise NotFound()
    key.revoked_at = timezone.now()
    save_attributed(key, actor=actor, reason=gettext_noop("API key revoked"), update_fields=["revoked_at"])
    return key


def api_key_check(text: str) -> ApiKey | None:
    """The usable key `text` names, or None (unknown, wrong secret, expired or revoked look the same)."""
    parts = text.split("_", 2)  # the secret itself may hold "_" (URL-safe base64)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key = ApiKey.objects.select_related("user").filter(prefix=parts[1]).first()
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(parts[2])) or not key.is_usable():
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > dt.timedelta(minutes=5):  # one write per 5 min at most
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)  # history: untracked (last_used_at is excluded)
    return key
