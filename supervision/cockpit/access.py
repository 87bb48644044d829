"""Who may open the cockpit: the roles in MINGZE_COCKPIT_ROLES (city leaders and the centre's supervisors)."""

from __future__ import annotations

from django.conf import settings

from arbitration.errors import PermissionDenied


def may_open_cockpit(user) -> bool:
    return user.is_authenticated and user.has_role(*settings.MINGZE_COCKPIT_ROLES)


def ensure_cockpit(user) -> None:
    if not may_open_cockpit(user):
        raise PermissionDenied()
