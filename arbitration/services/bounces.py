"""Bounces (退单) and their review (复核). The ticket's clock keeps running throughout (docs/domain.md §2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from arbitration import access
from arbitration.calendar import WorkingCalendar
from arbitration.choices import AssignmentMethod, AssignmentRole, BounceOutcome, TicketEventKind
from arbitration.errors import (
    AlreadyBounced,
    AssignmentNotActive,
    BounceAlreadyReviewed,
    BounceWindowClosed,
    BoundByDecision,
    CatalogueNamesDepartment,
    FirstReceiverHolds,
    InvalidInput,
    NotFound,
)
from arbitration.graph import SOURCE_FALLBACK, JurisdictionGraph, ticket_suggest
from arbitration.history import save_attributed
from arbitration.models import Assignment, Bounce, BounceReason, Department, Ticket, TicketEvent
from arbitration.reasons import BOUNCE_REVIEWED, BOUNCED
from arbitration.signals import bounce_created, bounce_rejected

# The editable list starts with the typical reasons of docs/domain.md §2 (code, name, settled by a ruling, legal desk).
DEFAULT_BOUNCE_REASONS = [
    ("not_our_duty", "非本单位职责", True, False),
    ("wrong_territory", "属地不符", True, False),
    ("unclear_ownership", "权属不清", True, False),
    ("overlapping_duties", "职能交叉", True, False),
    ("insufficient_information", "信息不全", False, False),
    ("litigation_or_arbitration", "涉及诉讼或仲裁", False, True),
]


# Default reasons that deny the duty outright, so are checked against the catalogue (docs/bounces.md). "Wrong
# territory" is not among them: it usually says the ticket's place is wrong, and the catalogue for a wrong place
# proves nothing.
DUTY_DENYING_REASONS = frozenset({"not_our_duty"})


def bounce_reasons_ensure() -> None:
    """Seed the default reasons once; an administrator's later edits are never overwritten."""
    if BounceReason.objects.exists():
        return
    for ordering, (code, name, settled, legal) in enumerate(DEFAULT_BOUNCE_REASONS):
        save_attributed(
            BounceReason(
                code=code,
                name=name,
                settled_by_ruling=settled,
                routes_to_legal_desk=legal,
                denies_duty=code in DUTY_DENYING_REASONS,
                ordering=ordering,
            ),
            actor=None,
            reason=gettext_noop("default bounce reasons (docs/domain.md §2)"),
        )


def bounce_window_closes(assignment: Assignment, calendar: WorkingCalendar | None = None) -> dt.datetime:
    """Office closing on the N-th working day after this assignment was dispatched (N is a local setting)."""
    return bounce_window_closes_after(assignment.assigned_at, calendar)


def bounce_window_closes_after(assigned_at: dt.datetime, calendar: WorkingCalendar | None = None) -> dt.datetime:
    """`bounce_window_closes` of an assignment made at `assigned_at` (a list that reads its rows as plain values)."""
    calendar = calendar or WorkingCalendar.load()
    dispatched = assigned_at.astimezone(calendar.tz).date()
    return calendar.closing_time(calendar.add_working_days(dispatched, settings.MINGZE_BOUNCE_WINDOW_WORKING_DAYS))


# What the reviewer reads on a bounce whose department the catalogue names as lead.
CATALOGUE_NAMES_YOU = gettext_lazy("The catalogue names you as lead")


@dataclass(frozen=True)
class CatalogueClaim:
    """The catalogue entry or precedent that makes a department the lead for a ticket's matter at its place."""

    source: str  # "catalogue" or "precedent"
    reference: str  # the entry's legal basis, or the precedent's document number
    explanation: str  # the graph's own sentence, in the language active when asked


def catalogue_claim(
    ticket: Ticket, department_id: int, *, graph: JurisdictionGraph | None = None
) -> CatalogueClaim | None:
    """Whether the catalogue (or a precedent) names `department_id` the lead for this ticket, asked of the graph
    as dispatch asks it: the top lead, or any of the leads tied for the top. A fallback to the territorial
    government is no such naming. A list asking for many tickets passes the `graph` it read once."""
    from arbitration.services.dispatch import suggested_lead_ids

    suggestion = ticket_suggest(ticket, graph=graph)
    if department_id not in suggested_lead_ids(suggestion):
        return None
    for candidate in suggestion.leads:
        if candidate.department_id == department_id and candidate.source != SOURCE_FALLBACK:
            reference = candidate.source_reference or candidate.legal_basis
            return CatalogueClaim(source=candidate.source, reference=reference, explanation=candidate.explanation)
    return None


def _ensure_cites_against_catalogue(
    claim: CatalogueClaim | None, reason: BounceReason, basis_document: str, department: Department
) -> None:
    """A bounce denying a duty the catalogue assigns must cite the document that says otherwise."""
    if claim is not None and reason.denies_duty and not basis_document:
        raise CatalogueNamesDepartment(
            field="basis_document", department=department.name, reference=claim.reference or "—", reason=reason.name
        )


@transaction.atomic
def bounce_create(
    *,
    assignment_id: int,
    actor,
    reason_id: int,
    explanation: str,
    basis: str,
    proposed_department_id: int | None = None,
    basis_document: str = "",
    now: dt.datetime | None = None,
) -> Bounce:
    """A liaison returns their department's assignment. Every refusal raises before anything is written.

    Whether the catalogue names the department the lead is recorded on the bounce for the reviewer; a reason
    that denies the duty then needs `basis_document` (docs/bounces.md).
    """
    from arbitration.services.disputes import dispute_open_if_triggered

    now = now or timezone.now()
    # Lock the assignment: two liaisons of one department clicking at once must not both bounce it.
    assignment = Assignment.objects.select_for_update().filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound()
    access.ensure_acts_for_department(actor, assignment.ticket_id, assignment.department_id)
    reason = BounceReason.objects.filter(pk=reason_id, is_active=True).first()
    if reason is None:
        raise InvalidInput(field="reason", reason=_("unknown or retired bounce reason"))
    if not explanation.strip() or not basis.strip():
        raise InvalidInput(field="explanation" if not explanation.strip() else "basis", reason=_("required"))
    earlier = Bounce.objects.filter(assignment_id=assignment.pk).first()
    if earlier is not None:
        raise AlreadyBounced(bounced_at=timezone.localtime(earlier.created_at).strftime("%Y-%m-%d %H:%M"))
    if assignment.ended_at is not None:
        raise AssignmentNotActive()
    if assignment.method == AssignmentMethod.FIRST_RECEIVER and assignment.role == AssignmentRole.LEAD:
        # Settling ownership (agreement, ruling, leader decision) re-dispatches with that method: until then the
        # first receiver holds the ticket (docs/domain.md §2, docs/dispatch.md).
        raise FirstReceiverHolds(department=assignment.department.name)
    closes = bounce_window_closes(assignment)
    if now > closes:
        raise BounceWindowClosed(
            deadline=timezone.localtime(closes).strftime("%Y-%m-%d %H:%M"),
            days=settings.MINGZE_BOUNCE_WINDOW_WORKING_DAYS,
        )
    ticket = assignment.ticket
    _ensure_not_bound(assignment, reason)
    basis_document = basis_document.strip()
    if len(basis_document) > Bounce._meta.get_field("basis_document").max_length:
        raise InvalidInput(field="basis_document", reason=_("too long"))
    claim = catalogue_claim(ticket, assignment.department_id)
    _ensure_cites_against_catalogue(claim, reason, basis_document, assignment.department)
    if (
        proposed_department_id is not None
        and not Department.objects.filter(pk=proposed_department_id, is_active=True).exists()
    ):
        raise InvalidInput(field="proposed_department", reason=_("no active department with that id"))
    bounce = save_attributed(
        Bounce(
            ticket=ticket,
            assignment=assignment,
            department_id=assignment.department_id,
            proposed_department_id=proposed_department_id,
            reason=reason,
            explanation=explanation,
            basis=basis,
            catalogue_names_department=claim is not None,
            catalogue_reference=claim.reference[:255] if claim else "",
            basis_document=basis_document,
            created_at=now,
            created_by=actor,
        ),
        actor=actor,
        reason=BOUNCED.format(reason=reason.name),
    )
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEventKind.BOUNCED,
        actor=actor,
        reason=explanation,
        data={
            "department": assignment.department.code,
            "reason": reason.code,
            "bounce": bounce.pk,
            "catalogue_names_department": bounce.catalogue_names_department,
        },
    )
    bounce_created.send(sender=Bounce, bounce=bounce, actor=actor)
    dispute_open_if_triggered(ticket=ticket, bounce=bounce, actor=actor)
    return bounce


def _ensure_not_bound(assignment: Assignment, reason: BounceReason) -> None:
    """A ruling, leader decision or agreement whose scope covers the ticket and names the department settles the
    ownership grounds: a bounce on one of them is refused, naming the document (docs/rulings.md)."""
    from arbitration.services.precedents import binding_decision_for

    if not reason.settled_by_ruling:
        return
    decision = binding_decision_for(assignment.ticket, assignment.department_id)
    if decision is not None:
        raise BoundByDecision(
            document=decision.document_number, department=assignment.department.name, reason=reason.name
        )


def _lock_pending(bounce_id: int) -> Bounce:
    bounce = Bounce.objects.select_for_update().filter(pk=bounce_id).first()
    if bounce is None:
        raise NotFound()
    if bounce.outcome != BounceOutcome.PENDING:
        raise BounceAlreadyReviewed(outcome=BounceOutcome(bounce.outcome).label)
    return bounce


def _record_review(bounce: Bounce, outcome: str, *, actor, note: str) -> None:
    bounce.outcome, bounce.reviewed_by, bounce.reviewed_at, bounce.review_note = outcome, actor, timezone.now(), note
    save_attributed(
        bounce,
        actor=actor,
        reason=BOUNCE_REVIEWED.format(outcome=outcome),
        update_fields=["outcome", "reviewed_by", "reviewed_at", "review_note"],
    )
    TicketEvent.objects.create(
        ticket_id=bounce.ticket_id,
        kind=TicketEventKind.BOUNCE_REVIEWED,
        actor=actor,
        reason=note,
        data={"bounce": bounce.pk, "outcome": outcome, "department": bounce.department.code},
    )


@transaction.atomic
def bounce_uphold(
    *,
    bounce_id: int,
    actor,
    lead_department_id: int,
    co_handler_ids: Iterable[int] = (),
    note: str = "",
    override_reason: str = "",
) -> Bounce:
    """The claim holds: re-dispatch to the proposed owner, the suggestion, or another department."""
    from arbitration.services.dispatch import ticket_dispatch

    bounce = _lock_pending(bounce_id)
    _record_review(bounce, BounceOutcome.UPHELD, actor=actor, note=note)
    ticket_dispatch(
        ticket_id=bounce.ticket_id,
        lead_department_id=lead_department_id,
        co_handler_ids=tuple(co_handler_ids),
        actor=actor,
        reason=note or gettext_noop("bounce upheld on review"),
        override_reason=override_reason,
        restart_clock=True,  # the new owner's limit runs from its own dispatch (docs/bounces.md)
    )
    return bounce


@transaction.atomic
def bounce_reject(*, bounce_id: int, actor, note: str) -> Bounce:
    """The claim fails: the ticket stays, and the bounce counts against the department as 无理退单."""
    if not note.strip():
        raise InvalidInput(field="note", reason=_("say why the bounce is rejected"))
    bounce = _lock_pending(bounce_id)
    _record_review(bounce, BounceOutcome.REJECTED, actor=actor, note=note)
    # Inside the transaction: what supervision records for an unreasonable bounce commits with the review.
    bounce_rejected.send(sender=Bounce, bounce=bounce, actor=actor)
    return bounce
