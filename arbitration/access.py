"""Who may see and do what with tickets — the one place pages, API and admin ask.

A liaison sees tickets through their departments' assignments: an indexed join (Assignment's
(department, ticket) index), never a permission row per ticket (TECH.md). Anything a user may not see
answers exactly like something that does not exist.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from arbitration.choices import Role
from arbitration.errors import NotFound
from arbitration.models import Assignment, Ticket

# Roles that oversee the whole hotline and so see every ticket.
ALL_TICKET_ROLES = (Role.DISPATCHER, Role.SUPERVISOR, Role.CITY_LEADER, Role.ADMINISTRATOR)


def tickets_visible_to(user, queryset: QuerySet[Ticket] | None = None) -> QuerySet[Ticket]:
    queryset = Ticket.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.has_role(*ALL_TICKET_ROLES):
        return queryset
    if user.has_role(Role.LIAISON) and user.department_ids:
        return queryset.filter(
            Exists(Assignment.objects.filter(ticket=OuterRef("pk"), department_id__in=user.department_ids))
        )
    return queryset.none()


def ticket_get_for(*, user, hotline_no: str) -> Ticket:
    """The ticket if `user` may see it; otherwise NotFound, exactly as for a number that does not exist."""
    ticket = tickets_visible_to(user).select_related("matter", "territory", "time_limit_tier").filter(
        hotline_no=hotline_no
    ).first()
    if ticket is None:
        raise NotFound()
    return ticket


def may_see_personal_data(user, ticket: Ticket) -> bool:
    """Dispatchers (and roles named in settings) always; the handling department's liaison unless the
    citizen asked for confidentiality; everyone else sees masked values."""
    if not user.is_authenticated:
        return False
    if user.has_role(*settings.MINGZE_PERSONAL_DATA_ROLES):
        return True
    if ticket.confidential or not user.has_role(Role.LIAISON):
        return False
    return ticket.assignments.filter(ended_at=None, department_id__in=user.department_ids).exists()


def may_dispatch(user) -> bool:
    return user.is_authenticated and user.has_role(Role.DISPATCHER, Role.ADMINISTRATOR)


def mask_phone(phone: str) -> str:
    """138****1234: keep the carrier prefix and the last four digits."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def mask_name(name: str) -> str:
    """张** : the family name stays, the given name is hidden."""
    return f"{name[:1]}{'*' * (len(name) - 1)}" if name else ""
