"""What supervision does when arbitration says something happened (connected in SupervisionConfig.ready())."""

from __future__ import annotations

import contextlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from arbitration.calendar import WorkingCalendar
from supervision import selectors
from supervision.choices import ReferralTrigger, Trigger
from supervision.cockpit.catalogue import catalogue_health_record
from supervision.errors import CaseAlreadyOpen
from supervision.rollups.build import rollups_first_day, rollups_rebuild
from supervision.rollups.touch import rollup_days_touch, tickets_touch
from supervision.services.cases import case_open
from supervision.services.opening import SweepReport, cases_open_batch
from supervision.services.referrals import referral_propose, refusal_reason
from supervision.services.sweep import unreasonable_bounce_candidates
from supervision.services.topics import topics_follow_reorganisation, topics_gather_arrivals


def _refused(decision, refusal, actor) -> None:
    reason = refusal_reason(refusal)
    # A ticket already under supervision for a refusal keeps its case; the referral below still records this one.
    with contextlib.suppress(CaseAlreadyOpen):
        case_open(
            actor=actor,
            reason=reason,
            ticket_id=decision.ticket_id,
            department_id=refusal.department_id,
            trigger=Trigger.RULING_REFUSED,
        )
    # By default the refusal rule skips the key rung and is proposed now; where the settings make it wait, the
    # sweep proposes it once key supervision has failed (referral_propose returns None until then).
    referral_propose(ticket_id=decision.ticket_id, trigger=ReferralTrigger.REFUSAL, reason=reason, actor=actor)


def on_ruling_refused(sender, *, ruling, refusal, actor=None, **kwargs) -> None:
    _refused(ruling, refusal, actor)


def on_leader_decision_refused(sender, *, decision, refusal, actor=None, **kwargs) -> None:
    _refused(decision, refusal, actor)


def on_bounce_rejected(sender, *, bounce, actor=None, **kwargs) -> None:
    """Count the department's unreasonable bounces now rather than at the next sweep."""
    now = timezone.now()
    candidates = [c for c in unreasonable_bounce_candidates(now=now) if c.department_id == bounce.department_id]
    if candidates:
        try:
            with transaction.atomic():
                cases_open_batch(
                    candidates,
                    now=now,
                    calendar=WorkingCalendar.load(),
                    ladder=selectors.ladder(),
                    run=f"bounce{bounce.pk}",
                    report=SweepReport(),
                )
        except IntegrityError:
            pass  # a sweep opened it at the same moment


def on_departments_reorganised(sender, *, reorganisation, moves, actor=None, **kwargs) -> None:
    """Monthly topics and their grants follow the departments that merged or split (docs/topics.md)."""
    topics_follow_reorganisation(moves=moves, actor=actor, reason=reorganisation.title)


# --- the cockpit's daily counts (docs/cockpit.md) --------------------------------------------------------------
def on_tickets_received(sender, *, tickets, **kwargs) -> None:
    """New tickets are counted on their days (docs/cockpit.md) and join the working monthly topics whose rule they
    match (docs/topics.md)."""
    rollup_days_touch({timezone.localdate(ticket.received_at) for ticket in tickets})
    topics_gather_arrivals(tickets)


def on_ticket_counts_changed(sender, *, ticket_ids, **kwargs) -> None:
    tickets_touch(ticket_ids)


def on_bounce_created(sender, *, bounce, **kwargs) -> None:
    tickets_touch([bounce.ticket_id], also=timezone.localdate(bounce.created_at))  # a bounce may be back-dated


def on_demo_seeded(sender, **kwargs) -> None:
    """The demo writes its rows in bulk: count every day it filled, and today's catalogue health."""
    first = rollups_first_day()
    if first is not None:
        rollups_rebuild(first, timezone.localdate())
    catalogue_health_record()
