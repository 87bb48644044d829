"""Reorganisation (机构改革): merging, splitting or renaming departments with an effective date.

1. Planning checks the moves and computes the impact report on the graph: the catalogue as it would be at the
   effective moment is built beside the catalogue as it is, and the (matter, territory) pairs that would lose
   their lead (new gaps) or gain a second one (new overlaps) are listed, with the counts of what would move.
2. Approval fixes the plan. Carrying it out (from its effective moment; `reorganisations_carry_out_due` runs the
   due ones) moves, for each move: the current duties — catalogue rows and precedents alike — as duty revisions
   valid from the effective moment (`services.catalogue`); the open tickets' active assignments; the people
   (memberships) of a merged department; and, through the `departments_reorganised` signal, what other apps hold
   per department (supervision's topics and their guardian grants). Merged and split departments are then
   inactive; a renamed one keeps its id (so everything already follows it) and takes its new name.
3. What carrying out did is stored beside the impact report, in the same shape (tests hold the two equal).
Rules as implemented: docs/catalogue-reform.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from arbitration import states
from arbitration.choices import (
    OPEN_TICKET_STATUSES,
    PRECEDENT_SOURCES,
    AssignmentMethod,
    ReorganisationKind,
    ReorganisationStatus,
)
from arbitration.errors import (
    EffectiveDatePast,
    InvalidInput,
    NotFound,
    ReorganisationInvalid,
    ReorganisationNotDue,
)
from arbitration.graph import catalogue_rows_load, gaps, graph_build, overlaps
from arbitration.history import real_user, save_attributed
from arbitration.models import (
    Assignment,
    Department,
    DepartmentMembership,
    Duty,
    Matter,
    Reorganisation,
    ReorganisationMove,
    ReorganisationTransition,
)
from arbitration.services.catalogue import duty_close, duty_revise
from arbitration.services.tickets import assignment_create, assignment_end
from arbitration.signals import departments_reorganised

R = ReorganisationStatus
PRECEDENT_SOURCE_VALUES = frozenset(source.value for source in PRECEDENT_SOURCES)


def _move(reorganisation: Reorganisation, target: str, *, actor, reason: str, fields=()) -> None:
    states.ensure_reorganisation_move(reorganisation.status, target)
    previous, reorganisation.status = reorganisation.status, target
    save_attributed(reorganisation, actor=actor, reason=reason, update_fields=["status", *fields])
    ReorganisationTransition.objects.create(
        reorganisation=reorganisation, from_status=previous, to_status=target, actor=real_user(actor), reason=reason
    )


# --- what goes where ---------------------------------------------------------------------------------------
def _target_for(moves: list[ReorganisationMove], matter_path: str) -> int | None:
    """The department a row of this matter goes to: the move naming its family (the narrowest), else the move
    naming none; None when no move takes it (a split that leaves it out: the row ends)."""
    named = [m for m in moves if m.matter_id and matter_path.startswith(m.matter.path)]
    if named:
        return max(named, key=lambda m: len(m.matter.path)).to_department_id
    rest = [m for m in moves if not m.matter_id]
    return rest[0].to_department_id if rest else None


def _by_source(reorganisation: Reorganisation) -> dict[int, list[ReorganisationMove]]:
    grouped: dict[int, list[ReorganisationMove]] = {}
    for move in reorganisation.moves.select_related("matter"):
        grouped.setdefault(move.from_department_id, []).append(move)
    return grouped


@dataclasses.dataclass(frozen=True)
class DutyPlan:
    duty_id: int
    to_department_id: int | None  # None: the duty ends
    precedent: bool


def duty_plan(reorganisation: Reorganisation) -> list[DutyPlan]:
    """Every current duty of the departments that move, and where it goes. A duty whose target already holds the
    same duty (matter, territory, role, source) ends instead of doubling it."""
    if reorganisation.kind == ReorganisationKind.RENAME:
        return []
    grouped = _by_source(reorganisation)
    current = Duty.objects.filter(valid_until=None).select_related("matter")
    held = set(current.values_list("department_id", "matter_id", "territory_id", "role", "source"))
    plans = []
    for duty in current.filter(department_id__in=grouped).order_by("pk"):
        target = _target_for(grouped[duty.department_id], duty.matter.path)
        if target is not None and (target, duty.matter_id, duty.territory_id, duty.role, duty.source) in held:
            target = None
        plans.append(DutyPlan(duty.pk, target, duty.source in PRECEDENT_SOURCE_VALUES))
    return plans


def assignment_plan(reorganisation: Reorganisation) -> list[tuple[Assignment, int]]:
    """Active assignments of open tickets held by a department that moves, and the department they go to."""
    if reorganisation.kind == ReorganisationKind.RENAME:
        return []
    grouped = _by_source(reorganisation)
    active = Assignment.objects.filter(
        department_id__in=grouped, ended_at=None, ticket__status__in=OPEN_TICKET_STATUSES
    ).select_related("ticket__matter", "department")
    plans = []
    for assignment in active.order_by("pk"):
        target = _target_for(grouped[assignment.department_id], assignment.ticket.matter.path)
        if target is None:  # a split that names no home for this matter: the department it went to by default
            target = grouped[assignment.department_id][0].to_department_id
        plans.append((assignment, target))
    return plans


# --- the impact report, on the graph ----------------------------------------------------------------------
def _pairs(rows) -> list[dict]:
    return sorted(
        ({"matter": row.matter_code, "matter_name": row.matter_name, "territory": row.territory_code,
          "territory_name": row.territory_name} for row in rows),
        key=lambda row: (row["matter"], row["territory"]),
    )  # fmt: skip


def graph_changes(before, after, at: dt.datetime) -> dict:
    """Pairs that lose their lead (gaps after, not before) and that gain a second one (overlaps after, not before)."""
    gaps_before = {(g.matter_id, g.territory_code) for g in gaps(before, at=at)}
    overlaps_before = {(o.matter_id, o.territory_code) for o in overlaps(before, at=at)}
    return {
        "loses_owner": _pairs(g for g in gaps(after, at=at) if (g.matter_id, g.territory_code) not in gaps_before),
        "gains_two": _pairs(
            o for o in overlaps(after, at=at) if (o.matter_id, o.territory_code) not in overlaps_before
        ),
    }


def reorganisation_impact(reorganisation: Reorganisation) -> dict:
    """What carrying it out would do, computed on the graph without writing anything."""
    duties, assignments = duty_plan(reorganisation), assignment_plan(reorganisation)
    rows = catalogue_rows_load()
    at = reorganisation.effective_at
    plan = {p.duty_id: p.to_department_id for p in duties}
    after_duties = []
    for row in rows.duties:
        if row.id in plan:  # judged at the effective moment only, so the row may simply change hands
            target = plan[row.id]
            row = (
                dataclasses.replace(row, valid_until=at)
                if target is None
                else dataclasses.replace(row, department_id=target)
            )
        after_duties.append(row)
    after_rows = dataclasses.replace(rows, duties=after_duties)
    return {
        "duties_moved": sum(1 for p in duties if p.to_department_id is not None),
        "duties_ended": sum(1 for p in duties if p.to_department_id is None),
        "precedents_moved": sum(1 for p in duties if p.precedent and p.to_department_id is not None),
        "open_assignments_moved": len(assignments),
        "memberships_moved": _memberships(reorganisation).count(),
    } | graph_changes(graph_build(rows), graph_build(after_rows), at)


def _memberships(reorganisation: Reorganisation):
    """A merged department's people go with it; a split's stay to be placed by hand; a rename moves nobody."""
    if reorganisation.kind != ReorganisationKind.MERGE:
        return DepartmentMembership.objects.none()
    return DepartmentMembership.objects.filter(department_id__in=_by_source(reorganisation))


# --- planning ----------------------------------------------------------------------------------------------
def _check_moves(kind: str, moves: list[tuple[int, int, int | None]], new_name: str) -> None:
    if not moves:
        raise ReorganisationInvalid(reason=_("it names no department"))
    sources = {source for source, _target, _matter in moves}
    targets = {target for _source, target, _matter in moves}
    departments = sources | targets
    if Department.objects.filter(pk__in=departments, is_active=True).count() != len(departments):
        raise ReorganisationInvalid(reason=_("every department must exist and be active"))
    if kind == ReorganisationKind.RENAME:
        if len(moves) != 1 or sources != targets or not new_name.strip():
            raise ReorganisationInvalid(reason=_("a renaming names one department and its new name"))
        return
    if sources & targets:
        raise ReorganisationInvalid(reason=_("a department cannot be merged or split into itself"))
    if kind == ReorganisationKind.MERGE and (len(targets) != 1 or any(matter for *_, matter in moves)):
        raise ReorganisationInvalid(reason=_("a merger moves whole departments into one"))
    if kind == ReorganisationKind.SPLIT:
        matters = [matter for *_, matter in moves]
        if len(sources) != 1 or len(targets) < 2 or matters.count(None) > 1:
            raise ReorganisationInvalid(
                reason=_("a split moves one department's matters to two or more, at most one taking the rest")
            )
        if Matter.objects.filter(pk__in=[m for m in matters if m]).count() != len([m for m in matters if m]):
            raise ReorganisationInvalid(reason=_("unknown matter"))


@transaction.atomic
def reorganisation_plan(
    *,
    actor,
    kind: str,
    title: str,
    basis: str,
    effective_on: dt.date,
    moves: list[tuple[int, int, int | None]],
    new_name: str = "",
    now: dt.datetime | None = None,
) -> Reorganisation:
    """Plan it: `moves` are (from department, to department, matter family or None); the impact report is
    computed now and shown before approval."""
    now = now or timezone.now()
    if kind not in ReorganisationKind.values:
        raise ReorganisationInvalid(reason=_("unknown kind"))
    if effective_on < timezone.localtime(now).date():
        raise EffectiveDatePast(date=effective_on.isoformat())
    _check_moves(kind, moves, new_name)
    reorganisation = save_attributed(
        Reorganisation(
            kind=kind,
            title=title.strip(),
            basis=basis.strip(),
            effective_at=timezone.make_aware(dt.datetime.combine(effective_on, dt.time.min)),
            new_name=new_name.strip(),
            planned_by=actor,
        ),
        actor=actor,
        reason=gettext_noop("planned"),
    )
    for source, target, matter in moves:
        save_attributed(
            ReorganisationMove(
                reorganisation=reorganisation, from_department_id=source, to_department_id=target, matter_id=matter
            ),
            actor=actor,
            reason=gettext_noop("planned"),
        )
    reorganisation.impact = reorganisation_impact(reorganisation)
    reorganisation.save(update_fields=["impact"])  # derived from the rows above: history leaves it out
    ReorganisationTransition.objects.create(
        reorganisation=reorganisation, from_status="", to_status=R.PLANNED, actor=real_user(actor), reason=basis
    )
    return reorganisation


def _locked(reorganisation_id: int) -> Reorganisation:
    reorganisation = Reorganisation.objects.select_for_update().filter(pk=reorganisation_id).first()
    if reorganisation is None:
        raise NotFound()
    return reorganisation


@transaction.atomic
def reorganisation_approve(*, reorganisation_id: int, actor, reason: str = "") -> Reorganisation:
    """Approve the plan; its impact report is computed again now, so the approver sees the catalogue as it is."""
    reorganisation = _locked(reorganisation_id)
    _move(reorganisation, R.APPROVED, actor=actor, reason=reason or "批准实施")
    reorganisation.impact = reorganisation_impact(reorganisation)
    reorganisation.save(update_fields=["impact"])
    return reorganisation


@transaction.atomic
def reorganisation_reject(*, reorganisation_id: int, actor, reason: str) -> Reorganisation:
    if not reason.strip():
        raise InvalidInput(field="reason", reason=_("give a reason"))
    reorganisation = _locked(reorganisation_id)
    _move(reorganisation, R.REJECTED, actor=actor, reason=reason)
    return reorganisation


# --- carrying it out ---------------------------------------------------------------------------------------
def _move_duties(reorganisation: Reorganisation, *, actor, reason: str) -> Counter:
    done: Counter = Counter()
    for plan in duty_plan(reorganisation):
        if plan.to_department_id is None:
            duty_close(duty_id=plan.duty_id, actor=actor, reason=reason, at=reorganisation.effective_at)
            done["duties_ended"] += 1
            continue
        duty_revise(
            duty_id=plan.duty_id,
            actor=actor,
            reason=reason,
            at=reorganisation.effective_at,
            department_id=plan.to_department_id,
        )
        done["duties_moved"] += 1
        done["precedents_moved"] += plan.precedent
    return done


def _move_assignments(reorganisation: Reorganisation, *, actor, reason: str) -> int:
    moved = 0
    for assignment, target in assignment_plan(reorganisation):
        assignment_end(assignment, actor=actor, reason=reason)
        held = Assignment.objects.filter(
            ticket_id=assignment.ticket_id, department_id=target, role=assignment.role, ended_at=None
        ).exists()
        if not held:
            assignment_create(
                ticket=assignment.ticket,
                department_id=target,
                role=assignment.role,
                method=AssignmentMethod.REORGANISATION,
                actor=actor,
                reason=reason,
            )
        moved += 1
    return moved


def _move_memberships(reorganisation: Reorganisation, *, actor, reason: str) -> int:
    target = reorganisation.moves.values_list("to_department_id", flat=True).first()
    moved = 0
    for membership in _memberships(reorganisation).select_related("user"):
        if not DepartmentMembership.objects.filter(user_id=membership.user_id, department_id=target).exists():
            save_attributed(
                DepartmentMembership(user_id=membership.user_id, department_id=target), actor=actor, reason=reason
            )
        membership._history_user, membership._change_reason = real_user(actor), reason
        membership.delete()
        moved += 1
    return moved


def _departments_settle(reorganisation: Reorganisation, *, actor, reason: str) -> None:
    for move in reorganisation.moves.select_related("from_department"):
        department = move.from_department
        if reorganisation.kind == ReorganisationKind.RENAME:
            department.name = reorganisation.new_name
            save_attributed(department, actor=actor, reason=reason, update_fields=["name"])
        elif department.is_active:
            department.is_active = False
            save_attributed(department, actor=actor, reason=reason, update_fields=["is_active"])


@transaction.atomic
def reorganisation_carry_out(*, reorganisation_id: int, actor, now: dt.datetime | None = None) -> Reorganisation:
    """Do what the plan says, from its effective moment; store what was done beside the impact report."""
    now = now or timezone.now()
    reorganisation = _locked(reorganisation_id)
    if reorganisation.status == R.APPROVED and now < reorganisation.effective_at:
        raise ReorganisationNotDue(effective_at=timezone.localtime(reorganisation.effective_at).isoformat())
    _move(reorganisation, R.CARRIED_OUT, actor=actor, reason=reorganisation.title)
    reason = f"{reorganisation.title}（{reorganisation.basis}）"[:255]
    before = graph_build(catalogue_rows_load())
    done = _move_duties(reorganisation, actor=actor, reason=reason)
    moves = list(reorganisation.moves.values_list("from_department_id", "to_department_id"))
    result = {
        "duties_moved": done["duties_moved"],
        "duties_ended": done["duties_ended"],
        "precedents_moved": done["precedents_moved"],
        "open_assignments_moved": _move_assignments(reorganisation, actor=actor, reason=reason),
        "memberships_moved": _move_memberships(reorganisation, actor=actor, reason=reason),
    }
    _departments_settle(reorganisation, actor=actor, reason=reason)
    departments_reorganised.send(sender=Reorganisation, reorganisation=reorganisation, moves=moves, actor=actor)
    after = graph_build(catalogue_rows_load())
    reorganisation.result = result | graph_changes(before, after, reorganisation.effective_at)
    reorganisation.carried_out_at = now
    reorganisation.save(update_fields=["result", "carried_out_at"])
    return reorganisation


def reorganisations_carry_out_due(*, actor=None, now: dt.datetime | None = None) -> int:
    """Carry out every approved reorganisation whose effective moment has come (the beat task runs this)."""
    now = now or timezone.now()
    due = Reorganisation.objects.filter(status=R.APPROVED, effective_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        reorganisation_carry_out(reorganisation_id=pk, actor=actor, now=now)
    return len(due)
