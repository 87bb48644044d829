"""Appeals against a draft period's scorecards (考核申诉): a liaison objects to one ticket charged to their
department, with a reason and a file of evidence, within the appeal window; a supervisor accepts (the ticket is
left out, or charged to another department) or refuses, with a reason. An accepted appeal changes the draft from
its next computation on; a published period takes no appeals and no decisions (docs/scorecards.md).

Locks are taken period first, then appeal — the order publication uses — so that no appeal is lodged or decided
while a period is being published.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from arbitration.access import ensure_acts_for
from arbitration.errors import InvalidInput, NotFound
from arbitration.history import real_user, save_attributed
from arbitration.models import Department, Ticket
from supervision.choices import AppealDecision, AppealStatus
from supervision.errors import (
    AppealAlreadyLodged,
    AppealNotPending,
    AppealWindowClosed,
    PeriodPublished,
    ReasonRequired,
    TicketNotCharged,
)
from supervision.models import ScoreAppeal, ScoreAppealTransition, ScoreEntry, ScorePeriod
from supervision.reasons import APPEAL_DECIDED
from supervision.services.bulletins import period_label
from supervision.services.scorecards import appeal_window_closes


def _attachment_check(attachment: File | None) -> str:
    """The evidence file's name, once it is known to be one file of an allowed type and size."""
    if attachment is None or not getattr(attachment, "name", ""):
        raise InvalidInput(field="attachment", reason=_("attach the evidence the appeal relies on"))
    name = PurePath(attachment.name).name
    suffix = PurePath(name).suffix.lower().lstrip(".")
    allowed = [kind.lower() for kind in settings.MINGZE_SCORE_APPEAL_ATTACHMENT_TYPES]
    if suffix not in allowed:
        raise InvalidInput(
            field="attachment", reason=format_lazy(_("the file must be one of: {types}"), types=", ".join(allowed))
        )
    limit = settings.MINGZE_SCORE_APPEAL_ATTACHMENT_MAX_MB
    if attachment.size > limit * 1024 * 1024:
        raise InvalidInput(field="attachment", reason=format_lazy(_("the file is larger than {limit} MB"), limit=limit))
    if attachment.size == 0:
        raise InvalidInput(field="attachment", reason=_("the file is empty"))
    return name


def _period_locked(period_id: int) -> ScorePeriod:
    period = ScorePeriod.objects.select_for_update().filter(pk=period_id).first()
    if period is None:
        raise NotFound()
    if period.is_published:
        raise PeriodPublished(period=period_label(period))
    return period


def _record(appeal: ScoreAppeal, previous: str, *, actor, reason: str, at: dt.datetime) -> None:
    ScoreAppealTransition.objects.create(
        appeal=appeal, from_status=previous, to_status=appeal.status, actor=real_user(actor), reason=reason, at=at
    )


@transaction.atomic
def score_appeal_lodge(
    *,
    period_id: int,
    department_id: int,
    hotline_no: str,
    actor,
    reason: str,
    attachment: File | None,
    now: dt.datetime | None = None,
) -> ScoreAppeal:
    """A liaison of `department_id` objects to one ticket charged to it. Every refusal comes before any write."""
    now = now or timezone.now()
    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        raise NotFound()
    ensure_acts_for(actor, department)
    if not (reason or "").strip():
        raise ReasonRequired()
    filename = _attachment_check(attachment)
    period = _period_locked(period_id)
    label = period_label(period)
    closes = appeal_window_closes(period)
    if now > closes:
        raise AppealWindowClosed(period=label, closes_at=timezone.localtime(closes).strftime("%Y-%m-%d %H:%M"))
    ticket = Ticket.objects.filter(hotline_no=(hotline_no or "").strip()).first()
    charged = ticket is not None and (
        ScoreEntry.objects.filter(period=period, department=department, ticket=ticket).exists()
    )
    if not charged:  # a number not charged to the department says nothing about whether it exists
        raise TicketNotCharged(ticket=hotline_no, department=department.name, period=label)
    if ScoreAppeal.objects.filter(period=period, department=department, ticket=ticket).exists():
        raise AppealAlreadyLodged(department=department.name, ticket=ticket.hotline_no, period=label)
    appeal = ScoreAppeal(
        period=period,
        department=department,
        ticket=ticket,
        reason=reason.strip(),
        attachment_name=filename,
        lodged_at=now,
        lodged_by=actor,
    )
    appeal.attachment.save(filename, attachment, save=False)
    save_attributed(appeal, actor=actor, reason=gettext_noop("appeal lodged"))
    _record(appeal, "", actor=actor, reason=appeal.reason, at=now)
    return appeal


def _decision_check(appeal: ScoreAppeal, decision: str, target_department_id: int | None) -> Department | None:
    """The department an accepted appeal charges the ticket to (None when it is left out)."""
    if decision == AppealDecision.EXCLUDE:
        return None
    if decision != AppealDecision.REATTRIBUTE:
        raise InvalidInput(field="decision", reason=_("choose to leave the ticket out or to charge it elsewhere"))
    target = (
        Department.objects.filter(pk=target_department_id, is_active=True).first() if target_department_id else None
    )
    if target is None:
        raise InvalidInput(field="target_department", reason=_("choose an active department to charge it to"))
    if target.pk == appeal.department_id:
        raise InvalidInput(field="target_department", reason=_("the ticket is already charged to this department"))
    entries = ScoreEntry.objects.filter(period_id=appeal.period_id, ticket_id=appeal.ticket_id)
    if entries.filter(department_id=appeal.department_id, appeal__isnull=False).exists():
        raise InvalidInput(
            field="decision", reason=_("a ticket charged here by another appeal can only be left out, not moved on")
        )
    if entries.filter(department=target).exists():
        raise InvalidInput(
            field="target_department",
            reason=format_lazy(_("{department} is already charged with this ticket"), department=target.name),
        )
    return target


@transaction.atomic
def score_appeal_decide(
    *,
    appeal_id: int,
    actor,
    accept: bool,
    reason: str,
    decision: str = "",
    target_department_id: int | None = None,
    now: dt.datetime | None = None,
) -> ScoreAppeal:
    """A supervisor accepts (leave the ticket out, or charge it to another department) or refuses an appeal."""
    now = now or timezone.now()
    if not (reason or "").strip():
        raise ReasonRequired()
    found = ScoreAppeal.objects.filter(pk=appeal_id).values_list("period_id", flat=True).first()
    if found is None:
        raise NotFound()
    _period_locked(found)
    appeal = ScoreAppeal.objects.select_for_update().get(pk=appeal_id)
    if appeal.status != AppealStatus.PENDING:
        raise AppealNotPending(status=AppealStatus(appeal.status).label)
    target = _decision_check(appeal, decision, target_department_id) if accept else None
    previous = appeal.status
    appeal.status = AppealStatus.ACCEPTED if accept else AppealStatus.REFUSED
    appeal.decision = decision if accept else ""
    appeal.target_department = target
    appeal.decision_reason, appeal.decided_at, appeal.decided_by = reason.strip(), now, real_user(actor)
    save_attributed(
        appeal,
        actor=actor,
        reason=APPEAL_DECIDED.format(status=appeal.status),
        update_fields=["status", "decision", "target_department", "decision_reason", "decided_at", "decided_by"],
    )
    _record(appeal, previous, actor=actor, reason=appeal.decision_reason, at=now)
    return appeal
