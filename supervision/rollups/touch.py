"""Keeping the daily counts current as tickets arrive and change (docs/cockpit.md, "Rollups").

Receivers of arbitration's signals mark the days a change touches: the day each ticket was received (its
volume rows) and today (a bounce or dispute of today). The marked days are recounted once, after the transaction
commits, by the same exact rebuild the nightly task runs; if that fails, the nightly task repairs the days.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from arbitration.models import Ticket
from supervision.rollups.build import rollup_days_rebuild

logger = logging.getLogger(__name__)


class _PendingDays:
    """The days one transaction touched; recounted once, after its commit."""

    def __init__(self) -> None:
        self.days: set[dt.date] = set()

    def __call__(self) -> None:
        if getattr(connection, "_rollup_pending", None) is self:
            connection._rollup_pending = None
        try:
            rollup_days_rebuild(self.days)
        except Exception:  # the nightly rebuild repairs these days: a writer's commit never fails on its counts
            logger.exception("rebuilding the cockpit's daily counts after commit failed")


def rollup_days_touch(days: Iterable[dt.date]) -> None:
    """Recount `days` after the current transaction commits (now, outside a transaction)."""
    pending = getattr(connection, "_rollup_pending", None)
    # A rolled-back transaction drops its on_commit callbacks: a pending object no longer queued is stale.
    if pending is None or not any(entry[1] is pending for entry in connection.run_on_commit):
        pending = _PendingDays()
        if not connection.in_atomic_block:
            pending.days.update(days)
            pending()
            return
        connection._rollup_pending = pending
        transaction.on_commit(pending)
    pending.days.update(days)


def tickets_touch(ticket_ids: Iterable[int], *, also: dt.date | None = None) -> None:
    """The received days of these tickets, today (for the bounce or dispute that may have come with them) and the
    day `also` (an event's own day)."""
    moments = Ticket.objects.filter(pk__in=list(ticket_ids)).values_list("received_at", flat=True)
    days = {timezone.localdate(), *(timezone.localdate(moment) for moment in moments)}
    rollup_days_touch(days | ({also} if also else set()))
