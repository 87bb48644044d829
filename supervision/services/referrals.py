"""Discipline referrals (移送纪委监委): rule proposals, manual referral, sending with the dossier, and the
discipline liaison's receipt, review and outcome. The rules and the ladder they respect: docs/supervision.md."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_noop
from guardian.shortcuts import assign_perm

from arbitration.audit.grants import grant_context
from arbitration.choices import OPEN_TICKET_STATUSES, Role, Satisfaction
from arbitration.documents.finalise import pdf_finalise
from arbitration.documents.numbering import document_number_issue
from arbitration.errors import NotFound
from arbitration.history import real_user, save_attributed
from arbitration.models import Assignment, Bounce, DecisionRefusal, Ticket, User
from supervision import selectors, states
from supervision.choices import LetterKind, ReferralStatus, ReferralTrigger
from supervision.dossier import dossier_snapshot, render_dossier
from supervision.errors import NoDisciplineLiaison, ReasonRequired
from supervision.models import DisciplineReferral, ProblemTicket, ReferralEvent
from supervision.services.letters import letter_issue_for_referral

logger = logging.getLogger(__name__)
DOSSIER_KIND = "dossier"  # the document kind of the dossier's 文号 (settings.MINGZE_DOCUMENT_ISSUERS)

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
    *,
    ticket_id: int,
    trigger: str,
    reason: str,
    actor=None,
    now: dt.datetime | None = None,
    problem_id: int | None = None,
) -> DisciplineReferral | None:
    """Propose a referral of a ticket — of its whole problem when it belongs to one. A rule proposes once per
    ticket (and problem) and trigger, and only after key supervision failed to move the case unless the rule
    skips that rung. Returns None when nothing was proposed."""
    if problem_id is None:
        problem_id = selectors.problems_of_tickets([ticket_id]).get(ticket_id)
    if states.referral_waits_for_key_rung(trigger):
        lapses = selectors.key_rung_lapses(ticket_ids=[ticket_id], problem_ids=[problem_id] if problem_id else [])
        if lapses.at(ticket_id, problem_id) is None:
            return None
    referral = DisciplineReferral(
        ticket_id=ticket_id,
        problem_id=problem_id,
        trigger=trigger,
        reason=reason,
        proposed_by=real_user(actor),
        proposed_at=now or timezone.now(),
    )
    try:
        with transaction.atomic():  # the unique constraints settle two sweeps proposing the same ticket or problem
            save_attributed(referral, actor=actor, reason=reason)
    except IntegrityError:
        return None
    ticket_ids = selectors.problem_ticket_ids(problem_id) if problem_id else [ticket_id]
    referral.departments.set(
        Assignment.objects.filter(ticket_id__in=ticket_ids).values_list("department_id", flat=True).distinct()
    )
    ReferralEvent.objects.create(
        referral=referral, to_status=ReferralStatus.PROPOSED, actor=real_user(actor), reason=reason
    )
    return referral


@dataclass(frozen=True)
class RuleHit:
    """A rule found a ticket (or a problem) it would refer."""

    trigger: str
    ticket_id: int
    reason: str
    problem_id: int | None = None


def referrals_propose_by_rule(*, now: dt.datetime) -> int:
    """Every referral rule once, thresholds from settings; returns how many referrals were proposed. A hit of a
    rule that waits for the key rung is proposed once a case about its ticket or problem has lapsed there."""
    hits = [*_ping_pong_hits(), *_repeated_unsatisfied_hits(now=now), *_refusal_hits()]
    if not hits:
        return 0  # the referrals already made are read only when a rule has hits to check against them
    done = DisciplineReferral.objects.exclude(trigger=ReferralTrigger.MANUAL).values_list(
        "ticket_id", "problem_id", "trigger"
    )
    by_ticket = {(ticket_id, trigger) for ticket_id, _problem_id, trigger in done}
    by_problem = {(problem_id, trigger) for _ticket_id, problem_id, trigger in done if problem_id}
    hits = [hit for hit in hits if (hit.ticket_id, hit.trigger) not in by_ticket]
    problems = selectors.problems_of_tickets([hit.ticket_id for hit in hits if hit.problem_id is None])
    hits = [
        hit if hit.problem_id else RuleHit(hit.trigger, hit.ticket_id, hit.reason, problems.get(hit.ticket_id))
        for hit in hits
    ]
    hits = [hit for hit in hits if (hit.problem_id, hit.trigger) not in by_problem]
    lapses = selectors.key_rung_lapses(
        ticket_ids=[hit.ticket_id for hit in hits], problem_ids=[hit.problem_id for hit in hits if hit.problem_id]
    )
    proposed = 0
    for hit in hits:
        if states.referral_waits_for_key_rung(hit.trigger) and lapses.at(hit.ticket_id, hit.problem_id) is None:
            continue  # key supervision has not had its chance yet
        with transaction.atomic():
            referral = referral_propose(
                ticket_id=hit.ticket_id, trigger=hit.trigger, reason=hit.reason, now=now, problem_id=hit.problem_id
            )
        proposed += referral is not None
    return proposed


def _ping_pong_hits() -> list[RuleHit]:
    """One open ticket bounced ≥ N times by ≥ M departments."""
    rows = (
        Bounce.objects.filter(ticket__status__in=OPEN_TICKET_STATUSES)
        .order_by()
        .values("ticket_id")
        .annotate(n=Count("pk"), departments=Count("department_id", distinct=True))
        .filter(
            n__gte=settings.MINGZE_REFERRAL_PING_PONG_BOUNCES,
            departments__gte=settings.MINGZE_REFERRAL_PING_PONG_DEPARTMENTS,
        )
    )
    return [
        RuleHit(ReferralTrigger.PING_PONG, row["ticket_id"], f"同一工单被{row['departments']}个单位退单{row['n']}次")
        for row in rows
    ]


def _repeated_unsatisfied_hits(*, now: dt.datetime) -> list[RuleHit]:
    """A problem with ≥ N tickets rated unsatisfied among those received within the window (the unsatisfied
    tickets of the window are few: they are found first, through the ticket index, then their problems)."""
    since = now - dt.timedelta(days=settings.MINGZE_SUPERVISION_REPEAT_WINDOW_DAYS)
    rows = (
        ProblemTicket.objects.filter(ticket__received_at__gte=since, ticket__satisfaction=Satisfaction.DISSATISFIED)
        .order_by()
        .values("problem_id")
        .annotate(n=Count("pk"), latest=Max("ticket_id"))
        .filter(n__gte=settings.MINGZE_REFERRAL_REPEATED_UNSATISFIED)
    )
    return [
        RuleHit(
            ReferralTrigger.REPEATED_UNSATISFIED,
            row["latest"],
            f"同一问题反复反映，{row['n']}次回访不满意",
            row["problem_id"],
        )
        for row in rows
    ]


def _refusal_hits() -> list[RuleHit]:
    """Refused rulings and leader decisions — only where the refusal rule waits for the key rung: otherwise the
    refusal was proposed the moment it was declared (supervision.receivers)."""
    if not states.referral_waits_for_key_rung(ReferralTrigger.REFUSAL):
        return []
    refusals = DecisionRefusal.objects.select_related("ruling", "leader_decision", "department")
    return [
        RuleHit(
            ReferralTrigger.REFUSAL,
            refusal.decision.ticket_id,
            refusal_reason(refusal),
        )
        for refusal in refusals
    ]


def refusal_reason(refusal: DecisionRefusal) -> str:
    """The referral's reason for a refused ruling or leader decision."""
    what = "职责认定" if refusal.ruling_id else "领导签批"
    return f"{refusal.department}拒不执行{what}{refusal.decision.document_number}：{refusal.reason}"


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
    # The dossier is numbered like every document it goes out with: its header shows the number (docs/layout.md).
    number = document_number_issue(kind=DOSSIER_KIND)
    referral.dossier_data = dossier_snapshot(referral) | {"document_number": number}
    save_attributed(
        referral, actor=actor, reason=reason, update_fields=["sent_at", "sent_by", "liaison", "dossier_data"]
    )
    with grant_context(actor=actor, reason=reason):  # recorded as grant events (docs/audit.md)
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
    # Outside the lock: reportlab, the stamp and the signature take a moment. finalise: docs/documents.md.
    facts = _dossier_facts(referral)
    final = pdf_finalise(referral, render_dossier(referral.dossier_data), facts=facts)
    with transaction.atomic():
        referral = DisciplineReferral.objects.select_for_update().get(pk=referral_id)
        if not referral.dossier_pdf:
            final.register_and_store(
                referral, field_name="dossier_pdf", filename=f"dossier-{referral.pk}.pdf", facts=facts
            )
            save_attributed(
                referral, actor=None, reason=gettext_noop("dossier rendered"), update_fields=["dossier_pdf"]
            )
    return referral


def _dossier_facts(referral: DisciplineReferral) -> dict:
    """The register's line for a dossier, addressed to the discipline commission: its own number (明责卷), or for
    a dossier frozen before dossiers were numbered, that of the 移送函 it travels with as the attachment."""
    number = referral.dossier_data.get("document_number", "")
    if not number:
        letter = referral.letters.filter(kind=LetterKind.REFERRAL).order_by("pk").first()
        number = f"{letter.document_number}附件" if letter else ""
    return {
        "kind": "referral_dossier",
        "kind_name": "移送卷宗",
        "document_number": number,
        "issuer": settings.MINGZE_SUPERVISION_ISSUER_NAME,
        "issue_date": timezone.localtime(referral.sent_at or timezone.now()).date(),
        "addressee": settings.MINGZE_DISCIPLINE_COMMISSION_NAME,
    }


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
    _move(referral, target, actor=actor, reason=note or gettext_noop("received"))
    now, fields = timezone.now(), []
    if target == ReferralStatus.RECEIVED:
        referral.received_at, fields = now, ["received_at"]
    elif target == ReferralStatus.UNDER_REVIEW:
        referral.review_note, fields = note, ["review_note"]
    else:
        referral.outcome, referral.concluded_at, fields = note, now, ["outcome", "concluded_at"]
    save_attributed(referral, actor=actor, reason=note or gettext_noop("received"), update_fields=fields)
    return referral
