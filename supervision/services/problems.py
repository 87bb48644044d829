"""Problems (同一诉求问题): the sweep's step that groups repeated requests and keeps each problem under one case.

The rules are in docs/supervision.md ("Problems"). One query reads which tickets of the window already belong to a
problem, two grouped queries size the groups and at most two more read the tickets of the groups that may change
something; a union-find in memory ties them into problems (`supervision.grouping`). Only problems that change — a
new one, a new ticket, two found to be one — are written, in batches, each batch in one transaction holding the
problems lock: two sweeps group one after the other, and each reads again under the lock who belongs where, so
every problem, membership and case is written once, whatever runs at the same time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext_noop

from arbitration.calendar import WorkingCalendar
from arbitration.history import history_insert_chained, save_attributed
from arbitration.models import Ticket
from arbitration.services.copy_writer import Table, Writer
from supervision import grouping, selectors
from supervision.choices import TIER_ORDER, CaseEventKind, CaseStatus, ProblemRule, Trigger
from supervision.grouping import Component
from supervision.models import CaseEvent, Problem, ProblemTicket, SupervisionCase
from supervision.reasons import PROBLEM_MERGED
from supervision.services.cases import case_shut
from supervision.services.opening import Candidate, SweepReport, batches, cases_open_batch, lead_departments
from supervision.services.records import case_event_record

# The key of the PostgreSQL advisory lock held while problems are written (any constant no other code uses).
PROBLEMS_LOCK = 0x4D5A_5052_4F42
REASON = gettext_noop("supervision sweep: repeated requests")

# How a case's reason names the rule that grouped its tickets (official Chinese: printed in letters).
RULE_WORDS = {
    ProblemRule.PLACE: "同一事项、同一地点",
    ProblemRule.CALLER: "同一来电人",
    ProblemRule.BOTH: "同一事项、同一地点及同一来电人",
}


def problems_gather(
    *, now: dt.datetime, calendar: WorkingCalendar, ladder: dict, run: str, report: SweepReport
) -> None:
    """Group the window's repeated requests into problems; open, extend or merge their cases."""
    since = now - dt.timedelta(days=settings.MINGZE_SUPERVISION_REPEAT_WINDOW_DAYS)
    members = selectors.window_members(since=since)
    threshold = settings.MINGZE_SUPERVISION_REPEAT_THRESHOLD
    found = grouping.components(selectors.repeated_request_rows(since=since, threshold=threshold, members=members))
    membership = {member.ticket_id: member.problem_id for member in members}
    changing = [component for component in found if not grouping.settled(component, membership)]
    for batch in batches(changing):
        problems_apply(batch, now=now, calendar=calendar, ladder=ladder, run=run, report=report)


@transaction.atomic
def problems_apply(
    batch: list[Component], *, now: dt.datetime, calendar: WorkingCalendar, ladder: dict, run: str, report: SweepReport
) -> None:
    """Write one batch of components: new problems, new members, merges, and the cases they call for."""
    _problems_lock()
    new_problems, joining = _match(batch, now=now)
    created = _problems_create(new_problems, now=now)
    _members_add(
        [(problem_id, component, component.ticket_ids) for problem_id, component in created]
        + [(survivor, component, newcomers) for survivor, component, newcomers, _absorbed in joining],
        now=now,
    )
    wanted = [(problem_id, component) for problem_id, component in created if component.unresolved]
    open_cases = _open_cases([problem for survivor, _c, _n, absorbed in joining for problem in (survivor, *absorbed)])
    joined: list[tuple[SupervisionCase, int]] = []
    for survivor, component, newcomers, absorbed in joining:
        case = _case_keep(survivor, absorbed, open_cases, now=now)
        if case is not None:
            joined += [(case, pk) for pk in newcomers]
        elif newcomers and component.unresolved:
            wanted.append((survivor, component))  # the problem came back after its case was closed
    _joined_record(joined, now=now)
    report.joined += len(joined)
    cases_open_batch(_candidates(wanted), now=now, calendar=calendar, ladder=ladder, run=run, report=report)


Joining = tuple[int, Component, list[int], list[int]]  # survivor, component, newcomers, problems merged into it


def _match(batch: list[Component], *, now: dt.datetime) -> tuple[list[Component], list[Joining]]:
    """The components that are new problems, and those that grow or merge known ones (merged here)."""
    # Read again under the lock: a sweep that held it before us may have grouped some of these tickets.
    membership = selectors.problems_of_tickets([pk for component in batch for pk in component.ticket_ids])
    new_problems, joining = [], []
    for component in batch:
        problem_ids = sorted({membership[pk] for pk in component.ticket_ids if pk in membership})
        if not problem_ids:
            new_problems.append(component)
            continue
        survivor, *absorbed = problem_ids  # the oldest problem keeps the others' tickets
        for problem_id in absorbed:
            _problem_merge(problem_id, into=survivor, now=now)
        newcomers = [pk for pk in component.ticket_ids if pk not in membership]
        if newcomers or absorbed:
            joining.append((survivor, component, newcomers, absorbed))
    return new_problems, joining


def _problems_lock() -> None:
    """Hold the problems lock until this transaction ends. On SQLite the transaction's own write lock (the
    settings open transactions IMMEDIATE) already makes writers take turns."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PROBLEMS_LOCK])


def _problems_create(components: list[Component], *, now: dt.datetime) -> list[tuple[int, Component]]:
    """One problem per component, written at once (the bulk writer: COPY on PostgreSQL), history rows included."""
    if not components:
        return []
    writer, table = Writer(), Table.of(Problem, with_pk=True)
    ids = writer.allocate_ids(table, len(components))
    writer.write(table, [{"id": pk, "opened_at": now} for pk in ids])
    history_insert_chained(Problem, "id", ids, at=now, reason=REASON)  # new problems: each the first of its chain
    return list(zip(ids, components, strict=True))


def _members_add(entries: list[tuple[int, Component, tuple[int, ...] | list[int]]], *, now: dt.datetime) -> None:
    rows = [
        {"problem_id": problem_id, "ticket_id": pk, "rule": component.rules[pk], "joined_at": now}
        for problem_id, component, ticket_ids in entries
        for pk in ticket_ids
    ]
    if rows:
        Writer().write(Table.of(ProblemTicket, with_pk=False), rows)
        # New memberships, each the first of its chain; the problems lock already makes these writers take turns.
        history_insert_chained(ProblemTicket, "ticket_id", [row["ticket_id"] for row in rows], at=now, reason=REASON)


def _problem_merge(problem_id: int, *, into: int, now: dt.datetime) -> None:
    """A ticket tied two problems together: the younger one's tickets move to the older (rare: row by row)."""
    problem = Problem.objects.select_for_update().get(pk=problem_id)
    reason = PROBLEM_MERGED.format(number=into)
    for membership in problem.memberships.all():
        membership.problem_id = into
        save_attributed(membership, actor=None, reason=reason, update_fields=["problem"])
    problem.merged_into_id, problem.merged_at = into, now
    save_attributed(problem, actor=None, reason=reason, update_fields=["merged_into", "merged_at"])


def _open_cases(problem_ids: list[int]) -> dict[int, list[SupervisionCase]]:
    """The open repeated-request cases of these problems, by problem (one query)."""
    # Lock: the ladder or a supervisor may be moving these cases at this moment.
    cases = (
        SupervisionCase.objects.select_for_update()
        .filter(status=CaseStatus.OPEN, trigger=Trigger.REPEATED, problem_id__in=problem_ids)
        .order_by("pk")
    )
    by_problem: dict[int, list[SupervisionCase]] = defaultdict(list)
    for case in cases:
        by_problem[case.problem_id].append(case)
    return by_problem


def _case_keep(
    survivor: int, absorbed: list[int], open_cases: dict[int, list[SupervisionCase]], *, now: dt.datetime
) -> SupervisionCase | None:
    """The one open case of the (merged) problem, or None. Of several, the highest on the ladder stays (then the
    survivor's own, then the oldest); the others close, naming it."""
    cases = [case for problem_id in (survivor, *absorbed) for case in open_cases.get(problem_id, [])]
    if not cases:
        return None
    keep = max(cases, key=lambda case: (TIER_ORDER.index(case.tier), case.problem_id == survivor, -case.pk))
    for case in cases:
        if case is not keep:
            case_shut(case, actor=None, reason=f"同一问题已并入督办件{keep.pk}", now=now)
    if keep.problem_id != survivor:
        keep.problem_id, keep.subject_key = survivor, f"problem:{survivor}"
        save_attributed(
            keep, actor=None, reason=gettext_noop("problems merged"), update_fields=["problem", "subject_key"]
        )
    if absorbed:
        numbers = "、".join(str(pk) for pk in absorbed)
        case_event_record(
            keep,
            CaseEventKind.PROBLEM_MERGED,
            actor=None,
            reason=f"问题{numbers}与问题{survivor}为同一问题，已合并",
            data={"problem": survivor, "absorbed": absorbed},
            at=now,
        )
    return keep


def _joined_record(joined: list[tuple[SupervisionCase, int]], *, now: dt.datetime) -> None:
    """One "ticket joined" event per new ticket on its problem's open case (the case timeline names each ticket);
    two queries, however many joined."""
    if not joined:
        return
    numbers = dict(Ticket.objects.filter(pk__in=[pk for _case, pk in joined]).values_list("pk", "hotline_no"))
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case=case,
                kind=CaseEventKind.TICKET_JOINED,
                reason=f"工单{numbers[pk]}反映同一问题，并入本督办件",
                data={"ticket": pk, "hotline_no": numbers[pk]},
                at=now,
            )
            for case, pk in joined
        ]
    )


def _candidates(wanted: list[tuple[int, Component]]) -> list[Candidate]:
    """The cases to open, each pressing the lead of the problem's latest open ticket (one query for all)."""
    leads = lead_departments([component.focus_id for _problem_id, component in wanted])
    days = settings.MINGZE_SUPERVISION_REPEAT_WINDOW_DAYS
    candidates = []
    for problem_id, component in wanted:
        reason = f"{days}日内同一问题反映{len(component.ticket_ids)}次（{RULE_WORDS[component.rule]}）"
        if component.unsatisfied:
            reason += f"，其中{component.unsatisfied}次回访不满意"
        candidates.append(
            Candidate(
                Trigger.REPEATED,
                f"problem:{problem_id}",
                component.focus_id,
                leads.get(component.focus_id),
                reason,
                problem_id=problem_id,
            )
        )
    return candidates
