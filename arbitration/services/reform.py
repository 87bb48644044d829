"""Catalogue reform proposals (职责目录修订建议): drafted from a ruling, a recurring overlap or gap, a monthly topic
or by hand; approved by the catalogue administrator with an effective date, when they are written into the
catalogue through `services.catalogue` — the one revision mechanism, which bumps the graph's version.
Rules as implemented: docs/catalogue-reform.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from arbitration import states
from arbitration.choices import DutyRole, DutySource, ProposalAction, ProposalOrigin, ProposalStatus
from arbitration.errors import (
    EffectiveDatePast,
    InvalidInput,
    NotFound,
    ProposalEmpty,
    ProposalStale,
)
from arbitration.history import real_user, save_attributed
from arbitration.models import (
    CatalogueProposal,
    Department,
    Duty,
    Matter,
    ProposalChange,
    ProposalTransition,
    Ruling,
    Territory,
    Ticket,
)
from arbitration.services.catalogue import duty_close, duty_open, duty_revise

EVIDENCE_WINDOW_DAYS = 365  # the ticket counts a proposal carries cover this many days before it


@dataclass(frozen=True)
class DutyChange:
    """One row of a proposal as drafted: `duty_id` for end/change; the new values for add/change."""

    action: str
    duty_id: int | None = None
    department_id: int | None = None
    matter_id: int | None = None
    territory_id: int | None = None
    role: str = ""
    legal_basis: str = ""


def _move(proposal: CatalogueProposal, target: str, *, actor, reason: str, fields: tuple[str, ...] = ()) -> None:
    states.ensure_proposal_move(proposal.status, target)
    previous, proposal.status = proposal.status, target
    save_attributed(proposal, actor=actor, reason=reason, update_fields=["status", *fields])
    ProposalTransition.objects.create(
        proposal=proposal, from_status=previous, to_status=target, actor=real_user(actor), reason=reason
    )


def _check_change(change: DutyChange) -> None:
    if change.action not in ProposalAction.values:
        raise InvalidInput(field="action", reason=_("unknown action"))
    if change.role and change.role not in DutyRole.values:
        raise InvalidInput(field="role", reason=_("unknown role"))
    if change.action == ProposalAction.ADD:
        if not (change.department_id and change.matter_id and change.territory_id and change.legal_basis.strip()):
            raise InvalidInput(field="changes", reason=_("a new duty needs a department, matter, territory and basis"))
        return
    if not Duty.objects.filter(pk=change.duty_id, valid_until=None).exists():
        raise InvalidInput(field="duty", reason=_("no current duty with that id"))


def ticket_counts(matter: Matter, territory: Territory | None, *, now: dt.datetime) -> dict:
    """Evidence: tickets of the matter's family (in the territory's subtree) in the window, and their disputes."""
    tickets = Ticket.objects.filter(
        matter__path__startswith=matter.path, received_at__gte=now - dt.timedelta(days=EVIDENCE_WINDOW_DAYS)
    )
    if territory is not None:
        tickets = tickets.filter(territory__path__startswith=territory.path)
    return {
        "window_days": EVIDENCE_WINDOW_DAYS,
        "tickets": tickets.count(),
        "disputed_tickets": tickets.filter(disputes__isnull=False).distinct().count(),
    }


@transaction.atomic
def proposal_draft(
    *,
    actor,
    title: str,
    rationale: str,
    origin: str,
    changes: list[DutyChange],
    origin_reference: str = "",
    evidence: dict | None = None,
    ruling_id: int | None = None,
) -> CatalogueProposal:
    """Draft a proposal: every change is checked now, and again when it is approved."""
    if not changes:
        raise ProposalEmpty()
    if origin not in ProposalOrigin.values:
        raise InvalidInput(field="origin", reason=_("unknown origin"))
    for change in changes:
        _check_change(change)
    proposal = save_attributed(
        CatalogueProposal(
            title=title.strip(),
            rationale=rationale.strip(),
            origin=origin,
            origin_reference=origin_reference[:200],
            evidence=evidence or {},
            ruling_id=ruling_id,
            proposed_by=actor,
        ),
        actor=actor,
        reason=gettext_noop("drafted"),
    )
    for change in changes:
        save_attributed(
            ProposalChange(proposal=proposal, **{k: v for k, v in vars(change).items()}),
            actor=actor,
            reason=gettext_noop("drafted"),
        )
    ProposalTransition.objects.create(
        proposal=proposal, from_status="", to_status=ProposalStatus.PROPOSED, actor=real_user(actor), reason=rationale
    )
    return proposal


def _others_leading(matter_id: int, territory_id: int, keep_department_id: int) -> list[int]:
    return list(
        Duty.objects.current()
        .filter(matter_id=matter_id, territory_id=territory_id, role=DutyRole.LEAD, source=DutySource.CATALOGUE)
        .exclude(department_id=keep_department_id)
        .values_list("pk", flat=True)
    )


def proposal_draft_from_ruling(*, ruling_id: int, actor) -> CatalogueProposal:
    """Write what a ruling settled into the catalogue: its lead holds the matter in its territory, and catalogue
    leads of other departments there end."""
    ruling = Ruling.objects.select_related("matter", "territory", "lead").filter(pk=ruling_id).first()
    if ruling is None:
        raise NotFound()
    changes = [
        DutyChange(
            action=ProposalAction.ADD,
            department_id=ruling.lead_id,
            matter_id=ruling.matter_id,
            territory_id=ruling.territory_id,
            role=DutyRole.LEAD,
            legal_basis=f"{ruling.document_number}：{ruling.basis}",
        ),
        *(
            DutyChange(action=ProposalAction.END, duty_id=pk)
            for pk in _others_leading(ruling.matter_id, ruling.territory_id, ruling.lead_id)
        ),
    ]
    return proposal_draft(
        actor=actor,
        title=f"{ruling.matter.name}（{ruling.territory.name}）职责调整：依{ruling.document_number}",
        rationale=ruling.reasons,
        origin=ProposalOrigin.RULING,
        origin_reference=ruling.document_number,
        ruling_id=ruling.pk,
        changes=changes,
        evidence={"rulings": [ruling.document_number]}
        | ticket_counts(ruling.matter, ruling.territory, now=timezone.now()),
    )


def _existing(model, pk: int):
    """The matter, territory or department a proposal names; an unknown id is NotFound (404), not a crash."""
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def proposal_draft_from_overlap(*, matter_id: int, territory_id: int, keep_department_id: int, actor):
    """An overlap (two catalogue leads for one matter and place): keep one lead, end the others."""
    matter, territory = _existing(Matter, matter_id), _existing(Territory, territory_id)
    ended = _others_leading(matter_id, territory_id, keep_department_id)
    keeper = _existing(Department, keep_department_id)
    return proposal_draft(
        actor=actor,
        title=f"{matter.name}（{territory.name}）职责交叉：由{keeper.name}牵头",
        rationale=_("Two or more departments lead this matter here; tickets bounce between them."),
        origin=ProposalOrigin.OVERLAP,
        origin_reference=f"{matter.code}@{territory.code}",
        changes=[DutyChange(action=ProposalAction.END, duty_id=pk) for pk in ended],
        evidence={"overlap_duties": ended} | ticket_counts(matter, territory, now=timezone.now()),
    )


def proposal_draft_from_gap(
    *, matter_id: int, territory_id: int, department_id: int, legal_basis: str, actor
) -> CatalogueProposal:
    """A gap (no lead for a matter in a place): name one."""
    matter, territory = _existing(Matter, matter_id), _existing(Territory, territory_id)
    department = _existing(Department, department_id)
    return proposal_draft(
        actor=actor,
        title=f"{matter.name}（{territory.name}）职责空白：明确由{department.name}牵头",
        rationale=_("No department leads this matter here; tickets fall to the territorial government."),
        origin=ProposalOrigin.GAP,
        origin_reference=f"{matter.code}@{territory.code}",
        changes=[
            DutyChange(
                action=ProposalAction.ADD,
                department_id=department_id,
                matter_id=matter_id,
                territory_id=territory_id,
                role=DutyRole.LEAD,
                legal_basis=legal_basis,
            )
        ],
        evidence=ticket_counts(matter, territory, now=timezone.now()),
    )


# --- the decision ------------------------------------------------------------------------------------------
def _apply(change: ProposalChange, *, actor, reason: str, at: dt.datetime) -> None:
    if change.action == ProposalAction.ADD:
        change.resulting_duty = duty_open(
            actor=actor,
            reason=reason,
            valid_from=at,
            department_id=change.department_id,
            matter_id=change.matter_id,
            territory_id=change.territory_id,
            role=change.role or DutyRole.LEAD,
            legal_basis=change.legal_basis,
            source=DutySource.CATALOGUE,
        )
    elif change.action == ProposalAction.END:
        change.resulting_duty = duty_close(duty_id=change.duty_id, actor=actor, reason=reason, at=at)
    else:
        values = {
            name: getattr(change, name)
            for name in ("department_id", "matter_id", "territory_id", "role", "legal_basis")
            if getattr(change, name)
        }
        change.resulting_duty = duty_revise(duty_id=change.duty_id, actor=actor, reason=reason, at=at, **values)
    save_attributed(change, actor=actor, reason=reason, update_fields=["resulting_duty"])


@transaction.atomic
def proposal_approve(
    *, proposal_id: int, actor, effective_on: dt.date, reason: str = "", now: dt.datetime | None = None
) -> CatalogueProposal:
    """Approve with an effective date: each change becomes a duty revision valid from the start of that day."""
    now = now or timezone.now()
    # Lock first: two administrators approving at once would write the revisions twice.
    proposal = CatalogueProposal.objects.select_for_update().filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound()
    if proposal.status != ProposalStatus.PROPOSED:
        _move(proposal, ProposalStatus.APPROVED, actor=actor, reason=reason)  # raises: approve once
    if effective_on < timezone.localtime(now).date():
        raise EffectiveDatePast(date=effective_on.isoformat())
    changes = list(proposal.changes.select_for_update().order_by("pk"))
    stale = [
        c.duty_id for c in changes if c.duty_id and not Duty.objects.filter(pk=c.duty_id, valid_until=None).exists()
    ]
    if stale:
        raise ProposalStale(duty=stale[0])
    at = timezone.make_aware(dt.datetime.combine(effective_on, dt.time.min))
    reason = reason.strip() or f"依职责目录修订建议（第{proposal.pk}号）"
    for change in changes:
        _apply(change, actor=actor, reason=reason, at=at)
    proposal.decided_at, proposal.decided_by, proposal.effective_at = now, actor, at
    proposal.decision_reason = reason
    _move(
        proposal,
        ProposalStatus.APPROVED,
        actor=actor,
        reason=reason,
        fields=("decided_at", "decided_by", "effective_at", "decision_reason"),
    )
    return proposal


@transaction.atomic
def proposal_reject(*, proposal_id: int, actor, reason: str) -> CatalogueProposal:
    if not reason.strip():
        raise InvalidInput(field="reason", reason=_("give a reason"))
    proposal = CatalogueProposal.objects.select_for_update().filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound()
    proposal.decided_at, proposal.decided_by, proposal.decision_reason = timezone.now(), actor, reason.strip()
    _move(
        proposal,
        ProposalStatus.REJECTED,
        actor=actor,
        reason=reason.strip(),
        fields=("decided_at", "decided_by", "decision_reason"),
    )
    return proposal
