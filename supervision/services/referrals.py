"""Discipline referrals (移送纪委监委): rule proposals, manual referral, sending with the dossier, and the
discipline liaison's receipt, review and outcome."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from guardian.shortcuts import assign_perm

from arbitration.choices import OPEN_TICKET_STATUSES, Role, Satisfaction
from arbitration.errors import NotFound
from arbitration.history import real_user, save_attributed
from arbitration.models import Assignment, Bounce, Ticket, User
from supervision import states
from supervision.choices import ReferralStatus, ReferralTrigger
from supervision.dossier import dossier_snapshot, render_dossier
from supervision.errors import NoDisciplineLiaison, ReasonRequired
from supervision.models import DisciplineReferral, ReferralEvent
from supervision.services.letters import letter_issue_for_referral

logger = logging.getLogger(__name__)

# What the discipline liaison is granted on each referral sent to them (guardian, direct foreign keys).
LIAISON_PERMISSIONS = ("supervision.view_disciplinereferral", "supervision.record_referral")


def _move(referral: DisciplineReferral, target: str, *, actor, reason: str) -> None:
    """One status change. The caller holds the transaction and the row lock."""
    states.ensure_referral_move(referral.status, target)
    previous, referral.status = referral.status, target
    save_attributed(referral, actor=actor, reason=reason, update_fields=["status"])
    ReferralEvent.objects.create(
        referral=referral, from_status=previous, to_status=target, actor=real_user(actor), reason=reason
    )


def referral_propose(
    *, ticket_id: int, trigger: str, reason: str, actor=None, now: dt.datetime | None = None
) -> DisciplineReferral | None:
    """Propose a referral; a rule proposes a ticket once per trigger (None when it already did)."""
    referral = DisciplineReferral(
        ticket_id=ticket_id,
        trigger=trigger,
        reason=reason,
        proposed_by=real_user(actor),
        proposed_at=now or timezone.now(),
    )
    try:
        with transaction.atomic():  # the unique constraint settles two sweeps proposing the same ticket
            save_attributed(referral, actor=actor, reason=reason)
    except IntegrityError:
        return None
    referral.departments.set(
        Assignment.objects.filter(ticket_id=ticket_id).values_list("department_id", flat=True).distinct()
    )
    ReferralEvent.objects.create(
        referral=referral, to_status=ReferralStatus.PROPOSED, actor=real_user(actor), reason=reason
    )
    return referral


def referrals_propose_by_rule(*, now: dt.datetime) -> int:
    """The rules of DOMAIN.md §5 with thresholds from settings; returns how many referrals were proposed."""
    proposed = 0
    existing = set(
        DisciplineReferral.objects.exclude(trigger=ReferralTrigger.MANUAL).values_list("ticket_id", "trigger")
    )
    # Ping-pong: one open ticket bounced ≥ 4 times by ≥ 3 departments.
    ping_pong = (
        Bounce.objects.filter(ticket__status__in=OPEN_TICKET_STATUSES)
        .order_by()
        .values("ticket_id")
        .annotate(n=Count("pk"), departments=Count("department_id", distinct=True))
        .filter(
            n__gte=settings.MINGZE_REFERRAL_PING_PONG_BOUNCES,
            departments__gte=settings.MINGZE_REFERRAL_PING_PONG_DEPARTMENTS,
        )
    )
    for row in ping_pong:
        if (row["ticket_id"], ReferralTrigger.PING_PONG) in existing:
            continue
        with transaction.atomic():
            proposed += (
                referral_propose(
                    ticket_id=row["ticket_id"],
                    trigger=ReferralTrigger.PING_PONG,
                    now=now,
                    reason=f"同一工单被{row['departments']}个单位退单{row['n']}次",
                )
                is not None
            )
    # Repeatedly unresolved: the same matter at the same place, unsatisfied follow-ups ≥ N within the window.
    since = now - dt.timedelta(days=settings.MINGZE_SUPERVISION_REPEAT_WINDOW_DAYS)
    repeated = (
        Ticket.objects.filter(received_at__gte=since, satisfaction=Satisfaction.DISSATISFIED)
        .order_by()
        .values("matter_id", "territory_id")
        .annotate(n=Count("pk"), latest=Max("pk"))
        .filter(n__gte=settings.MINGZE_REFERRAL_REPEATED_UNSATISFIED)
    )
    for row in repeated:
        if (row["latest"], ReferralTrigger.REPEATED_UNSATISFIED) in existing:
            continue
        with transaction.atomic():
            proposed += (
                referral_propose(
                    ticket_id=row["latest"],
                    trigger=ReferralTrigger.REPEATED_UNSATISFIED,
                    now=now,
                    reason=f"同一问题反复反映，{row['n']}次回访不满意",
                )
                is not None
            )
    return proposed


@transaction.atomic
def referral_create(*, ticket_id: int, actor, reason: str) -> DisciplineReferral:
    """A supervisor refers a ticket by hand."""
    if not (reason or "").strip():
        raise ReasonRequired()
    if not Ticket.objects.filter(pk=ticket_id).exists():
        raise NotFound()
    return referral_propose(ticket_id=ticket_id, trigger=ReferralTrigger.MANUAL, reason=reason.strip(), actor=actor)


@transaction.atomic
def referral_send(*, referral_id: int, liaison_id: int, actor, reason: str = "") -> DisciplineReferral:
    """Send to the discipline commission: freeze the dossier, grant the liaison, issue the 移送函."""
    referral = DisciplineReferral.objects.select_for_update().select_related("ticket").filter(pk=referral_id).first()
    if referral is None:
        raise NotFound()
    liaison = User.objects.filter(pk=liaison_id, groups__name=Role.DISCIPLINE_LIAISON).first()
    if liaison is None:
        raise NoDisciplineLiaison()
    reason = reason.strip() or referral.reason
    _move(referral, ReferralStatus.SENT, actor=actor, reason=reason)
    referral.sent_at, referral.sent_by, referral.liaison = timezone.now(), actor, liaison
    referral.dossier_data = dossier_snapshot(
        referral.ticket, referral_reason=referral.reason, trigger_label=str(referral.get_trigger_display())
    )
    save_attributed(
        referral, actor=actor, reason=reason, update_fields=["sent_at", "sent_by", "liaison", "dossier_data"]
    )
    for permission in LIAISON_PERMISSIONS:
        assign_perm(permission, liaison, referral)
    letter_issue_for_referral(referral=referral, actor=actor, reason=reason)
    transaction.on_commit(partial(_dossier_render_queued, referral.pk))
    return referral


def _dossier_render_queued(referral_id: int) -> None:
    from supervision.tasks import referral_dossier_render_task

    try:
        referral_dossier_render_task.delay(referral_id)
    except Exception:
        # The referral is committed; the download view renders the dossier if it is still missing.
        logger.exception("Could not render the dossier of referral %s now", referral_id)


def referral_dossier_store(referral_id: int) -> DisciplineReferral:
    """Render the frozen dossier once and store it; a stored dossier is never rendered again."""
    referral = DisciplineReferral.objects.get(pk=referral_id)
    if referral.dossier_pdf or not referral.dossier_data:
        return referral
    pdf = render_dossier(referral.dossier_data)  # outside the lock: reportlab takes a moment
    with transaction.atomic():
        referral = DisciplineReferral.objects.select_for_update().get(pk=referral_id)
        if not referral.dossier_pdf:
            referral.dossier_pdf.save(f"dossier-{referral.pk}.pdf", ContentFile(pdf), save=False)
            save_attributed(referral, actor=None, reason="dossier rendered", update_fields=["dossier_pdf"])
    return referral


@transaction.atomic
def referral_dismiss(*, referral_id: int, actor, reason: str) -> DisciplineReferral:
    if not (reason or "").strip():
        raise ReasonRequired()
    referral = DisciplineReferral.objects.select_for_update().filter(pk=referral_id).first()
    if referral is None:
        raise NotFound()
    _move(referral, ReferralStatus.DISMISSED, actor=actor, reason=reason.strip())
    return referral


@transaction.atomic
def referral_record(*, referral_id: int, actor, target: str, note: str) -> DisciplineReferral:
    """The discipline liaison records receipt, review or the outcome (the caller checked their grant)."""
    referral = DisciplineReferral.objects.select_for_update().filter(pk=referral_id).first()
    if referral is None:
        raise NotFound()
    note = (note or "").strip()
    if target in (ReferralStatus.UNDER_REVIEW, ReferralStatus.CONCLUDED) and not note:
        raise ReasonRequired()
    _move(referral, target, actor=actor, reason=note or "received")
    now, fields = timezone.now(), []
    if target == ReferralStatus.RECEIVED:
        referral.received_at, fields = now, ["received_at"]
    elif target == ReferralStatus.UNDER_REVIEW:
        referral.review_note, fields = note, ["review_note"]
    else:
        referral.outcome, referral.concluded_at, fields = note, now, ["outcome", "concluded_at"]
    save_attributed(referral, actor=actor, reason=note or "received", update_fields=fields)
    return referral
