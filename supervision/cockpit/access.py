"""Who may open the cockpit (MINGZE_COCKPIT_ROLES: city leaders and the centre's supervisors) and read the report
register (MINGZE_REPORT_ROLES). The public rankings page needs no one."""

from __future__ import annotations

from django.conf import settings

from arbitration.errors import PermissionDenied


def may_open_cockpit(user) -> bool:
    return user.is_authenticated and user.has_role(*settings.MINGZE_COCKPIT_ROLES)


def ensure_cockpit(user) -> None:
    if not may_open_cockpit(user):
        raise PermissionDenied()


def may_read_reports(user) -> bool:
    return user.is_authenticated and user.has_role(*settings.MINGZE_REPORT_ROLES)
