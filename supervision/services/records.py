"""Domain rows every supervision service writes: the case event (what happened, who, why, when)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from supervision.models import CaseEvent, SupervisionCase


def real_user(actor):
    """The actor as a user to store, or None for the system (sweeps, tasks, anonymous)."""
    return actor if actor is not None and actor.is_authenticated else None


def case_event_record(
    case: SupervisionCase,
    kind: str,
    *,
    actor,
    reason: str = "",
    from_tier: str = "",
    to_tier: str = "",
    data: dict | None = None,
    at: dt.datetime | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=real_user(actor),
        reason=reason,
        from_tier=from_tier,
        to_tier=to_tier,
        data=data or {},
        at=at or timezone.now(),
    )
