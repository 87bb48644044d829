"""Writes to the duty catalogue. Rows are never overwritten: a revision closes one row and opens another."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from arbitration.errors import IllegalMove
from arbitration.history import save_attributed
from arbitration.models import Duty

# The fields that define a duty; changing any of them is a revision, never an edit.
DUTY_FIELDS = ("department_id", "matter_id", "territory_id", "role", "legal_basis", "source", "source_reference")


def duty_changed_signal_send(duty: Duty) -> None:
    """Bump the jurisdiction graph's version in this transaction (so every process rebuilds once it commits),
    then tell other listeners. The graph is bumped by a direct call, not through the signal: one way only."""
    from arbitration.graph.cache import graph_version_bump
    from arbitration.signals import duty_changed

    graph_version_bump()
    duty_changed.send(sender=Duty, duty=duty)


@transaction.atomic
def duty_open(*, actor, reason: str, valid_from: dt.datetime | None = None, **values) -> Duty:
    duty = Duty(valid_from=valid_from or timezone.now(), **values)
    duty.full_clean()
    save_attributed(duty, actor=actor, reason=reason)
    duty_changed_signal_send(duty)
    return duty


@transaction.atomic
def duty_close(*, duty_id: int, actor, reason: str, at: dt.datetime | None = None) -> Duty:
    duty = Duty.objects.select_for_update().get(pk=duty_id)
    if duty.valid_until is not None:
        raise IllegalMove(thing="duty", current="closed", target="closed")
    duty.valid_until = max(at or timezone.now(), duty.valid_from + dt.timedelta(microseconds=1))
    save_attributed(duty, actor=actor, reason=reason, update_fields=["valid_until"])
    duty_changed_signal_send(duty)
    return duty


@transaction.atomic
def duty_revise(*, duty_id: int, actor, reason: str, at: dt.datetime | None = None, **changes) -> Duty:
    """Close `duty_id` at `at` (now) and open its successor with `changes`; returns the new row."""
    at = at or timezone.now()
    old = duty_close(duty_id=duty_id, actor=actor, reason=reason, at=at)
    values = {name: getattr(old, name) for name in DUTY_FIELDS}
    values.update(changes)
    return duty_open(actor=actor, reason=reason, valid_from=old.valid_until, **values)
