"""Domain rows every supervision service writes: the case event (what happened, who, why, when)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from arbitration.history import real_user
from supervision.models import CaseEvent, SupervisionCase


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
