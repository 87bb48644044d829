"""The supervision sweep: one job that finds what needs pressure and opens or advances cases.

Idempotent: a second run straight after the first finds nothing to do. Safe to run concurrently: new
cases go in with INSERT … ON CONFLICT DO NOTHING against the partial unique index "one open case per
trigger and subject" (`supervision.services.opening`), so of two sweeps exactly one opens each case; problems
(repeated requests) are grouped one sweep at a time (`supervision.services.problems`); cases that move (turn
red, climb, close) are locked with SKIP LOCKED and their condition checked again under the lock. Its cost grows
with open tickets (the (status, due_at) index on tickets), open cases and recent tickets, never with all tickets.
The rules are written down in docs/supervision.md.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Mapping
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from arbitration.calendar import WorkingCalendar
from arbitration.choices import OPEN_TICKET_STATUSES, BounceOutcome, Satisfaction, TicketStatus
from arbitration.models import Bounce, Ticket, TicketEvent
from supervision import selectors
from supervision.choices import AlertStatus, CaseEventKind, CaseStatus, ReferralTrigger, Tier, Trigger
from supervision.models import SupervisionCase, SurgeAlert
from supervision.services.cases import case_move_up, case_shut, reminder_queue
from supervision.services.opening import Candidate, SweepReport, batches, cases_open_batch, lead_departments
from supervision.services.problems import problems_gather
from supervision.services.records import case_event_record
from supervision.services.referrals import referral_propose, referrals_propose_by_rule

TIME_LIMIT_TRIGGERS = (Trigger.NEAR_DUE, Trigger.OVERDUE)
RED = "red"  # in `ticket_case_moves`: the yellow card turns red (any other move is a close reason)


class LadderOnDemand(Mapping):
    """The ladder, read on first use and then kept for the run: a steady sweep (nothing to open or move) never
    needs it, and a sweep that does reads it once."""

    def __init__(self) -> None:
        self._rungs: dict | None = None

    def _load(self) -> dict:
        if self._rungs is None:
            self._rungs = selectors.ladder()
        return self._rungs

    def __getitem__(self, tier: str):
        return self._load()[tier]

    def __iter__(self):
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def supervision_sweep(*, now: dt.datetime | None = None, calendar: WorkingCalendar | None = None) -> SweepReport:
    """Run every rule once, in this process. Each step commits on its own, so a failure halfway keeps what was done.

    The same three stages, split over Celery workers by ticket id range, are the spread sweep
    (`supervision.spread`, docs/spread.md): prepare once, open the time-limit cases per range, finish once.
    """
    now = now or timezone.now()
    calendar = calendar or WorkingCalendar.load()
    report, ladder = SweepReport(), LadderOnDemand()
    sweep_prepare(now=now, calendar=calendar, report=report, ladder=ladder)
    sweep_time_limits(now=now, calendar=calendar, report=report, ladder=ladder)
    sweep_finish(now=now, calendar=calendar, report=report, ladder=ladder)
    return report


def sweep_prepare(
    *, now: dt.datetime, calendar: WorkingCalendar, report: SweepReport, ladder: Mapping | None = None
) -> None:
    """First: a ticket that was answered or extended must not turn red or climb in the same run. The open cases
    about a ticket are read once, with their tickets, for both (`ticket_case_moves`)."""
    moves = ticket_case_moves(now=now, calendar=calendar)
    cases_close_cleared(moves, now=now, report=report)
    ladder = LadderOnDemand() if ladder is None else ladder
    cases_turn_red(moves, now=now, calendar=calendar, ladder=ladder, report=report)


def sweep_time_limits(
    *,
    now: dt.datetime,
    calendar: WorkingCalendar,
    report: SweepReport,
    first: int | None = None,
    last: int | None = None,
    ladder: Mapping | None = None,
) -> None:
    """Open the time-limit cases of the open tickets with ids in [first, last] (all of them by default): the part
    of the sweep that grows with open tickets, and the part the spread sweep splits. Idempotent: a ticket with an
    open time-limit case is no candidate, and each call opens under its own run token."""
    ladder, run = LadderOnDemand() if ladder is None else ladder, uuid.uuid4().hex
    for batch in batches(time_limit_candidates(now=now, calendar=calendar, first=first, last=last)):
        cases_open_batch(batch, now=now, calendar=calendar, ladder=ladder, run=run, report=report)


def sweep_finish(
    *, now: dt.datetime, calendar: WorkingCalendar, report: SweepReport, ladder: Mapping | None = None
) -> None:
    """The rules that grow with open cases, bounces and recent tickets: run once, after the time limits."""
    ladder, run = LadderOnDemand() if ladder is None else ladder, uuid.uuid4().hex
    for candidates in (
        unsatisfied_candidates(),
        unreasonable_bounce_candidates(now=now),
        unanswered_alert_candidates(now=now, calendar=calendar),
    ):
        for batch in batches(candidates):
            cases_open_batch(batch, now=now, calendar=calendar, ladder=ladder, run=run, report=report)
    problems_gather(now=now, calendar=calendar, ladder=ladder, run=run, report=report)
    cases_climb_ladder(now=now, calendar=calendar, ladder=ladder, report=report)
    report.referrals += referrals_propose_by_rule(now=now)


def _local(moment: dt.datetime, calendar: WorkingCalendar) -> str:
    return moment.astimezone(calendar.tz).strftime("%Y-%m-%d %H:%M")


# --- finding candidates ---------------------------------------------------------------------------------------
def time_limit_due(*, now: dt.datetime, calendar: WorkingCalendar, first: int | None = None, last: int | None = None):
    """(id, due_at) of the open tickets due before the yellow-card cutoff, ids in [first, last] when given.

    Served by the partial index `ticket_open_due` (open tickets by due_at): an index-only range scan over the open
    tickets due before the cutoff, whatever the size of the ticket table (docs/spread.md, "The sweep's selection").
    """
    cutoff = selectors.near_due_cutoff(calendar, now)
    due = Ticket.objects.open().filter(due_at__lt=cutoff)
    if first is not None:
        due = due.filter(pk__gte=first, pk__lte=last)
    return due.order_by().values_list("pk", "due_at")


def time_limit_uncovered(
    *, now: dt.datetime, calendar: WorkingCalendar, first: int | None = None, last: int | None = None
) -> list[tuple[int, dt.datetime]]:
    """`time_limit_due` without the tickets that have an open time-limit case, in id order."""
    cases = SupervisionCase.objects.filter(status=CaseStatus.OPEN, trigger__in=TIME_LIMIT_TRIGGERS)
    if first is not None:
        cases = cases.filter(ticket_id__gte=first, ticket_id__lte=last)
    covered = set(cases.order_by().values_list("ticket_id", flat=True))
    due = time_limit_due(now=now, calendar=calendar, first=first, last=last)
    return sorted((pk, due_at) for pk, due_at in due if pk not in covered)


def time_limit_candidates(
    *, now: dt.datetime, calendar: WorkingCalendar, first: int | None = None, last: int | None = None
) -> Iterator[Candidate]:
    """Open tickets due before the yellow-card cutoff that have no time-limit case yet (ids in [first, last]).

    Two plain queries instead of one anti-join: right after a sweep has opened thousands of cases the planner's
    statistics on the case table are stale, and it then picked a nested loop that took seconds (bench_sweep).
    """
    rows = time_limit_uncovered(now=now, calendar=calendar, first=first, last=last)
    for batch in batches(rows):
        leads = lead_departments([pk for pk, _due in batch])
        for pk, due_at in batch:
            overdue = due_at < now
            sentence = "已超出办理时限" if overdue else "即将超出办理时限"
            yield Candidate(
                Trigger.OVERDUE if overdue else Trigger.NEAR_DUE,
                f"ticket:{pk}",
                pk,
                leads.get(pk),
                f"{sentence}（{_local(due_at, calendar)}到期）",
            )


def unsatisfied_candidates() -> Iterator[Candidate]:
    """Replied tickets rated unsatisfied that had already been sent back for re-handling (重办) once.

    Re-handling shows on the record as a move from replied or closed back to an open status.
    """
    reopened = TicketEvent.objects.filter(
        ticket=OuterRef("pk"),
        from_status__in=(TicketStatus.REPLIED, TicketStatus.CLOSED),
        to_status__in=OPEN_TICKET_STATUSES,
    )
    has_case = SupervisionCase.objects.filter(
        ticket=OuterRef("pk"), status=CaseStatus.OPEN, trigger=Trigger.UNSATISFIED
    )
    rows = list(
        Ticket.objects.filter(status=TicketStatus.REPLIED, satisfaction=Satisfaction.DISSATISFIED)
        .filter(Exists(reopened))
        .filter(~Exists(has_case))
        .order_by()
        .values_list("pk", flat=True)
    )
    leads = lead_departments(rows)
    for pk in rows:
        yield Candidate(Trigger.UNSATISFIED, f"ticket:{pk}", pk, leads.get(pk), "经重办后群众仍不满意")


def unreasonable_bounce_candidates(*, now: dt.datetime) -> Iterator[Candidate]:
    """Departments with ≥ N bounces rejected as unreasonable in the period, counting only those rejected since
    the department's previous case for it (so a closed case is not reopened for the same bounces)."""
    threshold = settings.MINGZE_SUPERVISION_UNREASONABLE_BOUNCES
    days = settings.MINGZE_SUPERVISION_UNREASONABLE_BOUNCE_DAYS
    since = now - dt.timedelta(days=days)
    rejected = Bounce.objects.filter(outcome=BounceOutcome.REJECTED, reviewed_at__gte=since).order_by()
    grouped = rejected.values("department_id").annotate(n=Count("pk")).filter(n__gte=threshold)
    counts = dict(grouped.values_list("department_id", "n"))
    if not counts:
        return
    # Three queries however many departments reach the threshold: their last cases, then the bounces since those.
    lasts = dict(
        SupervisionCase.objects.filter(
            trigger=Trigger.UNREASONABLE_BOUNCES, subject_key__in=[f"department:{pk}" for pk in counts]
        )
        .order_by()
        .values("subject_key")
        .annotate(last=Max("opened_at"))
        .values_list("subject_key", "last")
    )
    since_last = {pk: lasts[f"department:{pk}"] for pk in counts if f"department:{pk}" in lasts}
    if since_last:
        recounted = dict(
            rejected.filter(reduce(or_, (Q(department_id=pk, reviewed_at__gt=at) for pk, at in since_last.items())))
            .values("department_id")
            .annotate(n=Count("pk"))
            .values_list("department_id", "n")
        )
        counts.update({pk: recounted.get(pk, 0) for pk in since_last})
    for department_id in sorted(counts):
        if counts[department_id] >= threshold:
            yield Candidate(
                Trigger.UNREASONABLE_BOUNCES,
                f"department:{department_id}",
                None,
                department_id,
                f"{days}日内无理退单{counts[department_id]}次",
            )


def unanswered_alert_candidates(*, now: dt.datetime, calendar: WorkingCalendar) -> Iterator[Candidate]:
    """Surge alerts still not acknowledged after their acknowledge-by day (MINGZE_ALERT_ACKNOWLEDGE_WORKING_DAYS),
    once each: an alert that already had a case is not opened again (docs/alerts.md, "Unanswered alerts")."""
    today = now.astimezone(calendar.tz).date()
    overdue = list(
        SurgeAlert.objects.filter(status=AlertStatus.RAISED, acknowledge_due__lt=today, department__isnull=False)
        .select_related("matter", "territory")
        .order_by("pk")
    )
    if not overdue:
        return
    # Only these alerts' cases, open or closed (the index case_trigger_subject), never every alert case ever opened.
    had_case = set(
        SupervisionCase.objects.filter(
            trigger=Trigger.SURGE_UNANSWERED, subject_key__in=[f"surge_alert:{alert.pk}" for alert in overdue]
        ).values_list("subject_key", flat=True)
    )
    for alert in overdue:
        key = f"surge_alert:{alert.pk}"
        if key not in had_case:
            reason = (
                f"诉求增长异常预警（{alert.place}“{alert.matter.name}”，{alert.day:%Y-%m-%d}）"
                f"逾期未确认（应于{alert.acknowledge_due:%Y-%m-%d}前确认）"
            )
            yield Candidate(Trigger.SURGE_UNANSWERED, key, None, alert.department_id, reason)


# --- moving open cases ----------------------------------------------------------------------------------------
def _lock_open(pk: int, **conditions) -> SupervisionCase | None:
    """The open case under a row lock, or None if another worker holds it or it no longer qualifies."""
    return (
        SupervisionCase.objects.select_for_update(skip_locked=True)
        .filter(pk=pk, status=CaseStatus.OPEN, **conditions)
        .first()
    )


def ticket_case_moves(*, now: dt.datetime, calendar: WorkingCalendar) -> list[tuple[int, str]]:
    """(case id, move) of the open cases about a ticket that must move, in id order: a close reason when the cause
    has gone (the ticket was answered or closed, its limit extended, or re-rated), or RED for a yellow card whose
    ticket passed its limit.

    One query for every such case, closing and turning red alike: the open cases through the partial index "one
    open case per trigger and subject", each ticket by its primary key; only the cases that move come back.
    """
    cutoff = selectors.near_due_cutoff(calendar, now)
    ticket_open = Q(ticket__status__in=OPEN_TICKET_STATUSES)
    rows = (
        SupervisionCase.objects.filter(status=CaseStatus.OPEN, trigger__in=(*TIME_LIMIT_TRIGGERS, Trigger.UNSATISFIED))
        .filter(
            (Q(trigger__in=TIME_LIMIT_TRIGGERS) & ~ticket_open)
            | Q(trigger=Trigger.OVERDUE, ticket__due_at__gte=now)
            | (Q(trigger=Trigger.NEAR_DUE) & (Q(ticket__due_at__gte=cutoff) | Q(ticket__due_at__lt=now)))
            | (Q(trigger=Trigger.UNSATISFIED) & ~Q(ticket__satisfaction=Satisfaction.DISSATISFIED))
        )
        .order_by("pk")
        .values_list("pk", "trigger", "ticket__status", "ticket__due_at", "ticket__satisfaction")
    )
    moves = []
    for pk, trigger, status, due_at, satisfaction in rows:
        if trigger in TIME_LIMIT_TRIGGERS and status not in OPEN_TICKET_STATUSES:
            moves.append((pk, "工单已办理答复"))
        elif trigger == Trigger.OVERDUE and due_at is not None and due_at >= now:
            moves.append((pk, "办理时限已延长，不再超期"))
        elif trigger == Trigger.NEAR_DUE and due_at is not None and due_at >= cutoff:
            moves.append((pk, "办理时限已延长"))
        elif trigger == Trigger.UNSATISFIED and satisfaction != Satisfaction.DISSATISFIED:
            moves.append((pk, "群众评价已不是不满意"))
        elif trigger == Trigger.NEAR_DUE and due_at is not None and due_at < now:
            moves.append((pk, RED))
    return moves


def cases_close_cleared(moves: list[tuple[int, str]], *, now: dt.datetime, report: SweepReport) -> None:
    """Close cases whose cause has gone: those `ticket_case_moves` found, and alerts since acknowledged."""
    cleared = [(pk, reason) for pk, reason in moves if reason != RED]
    cleared += [(pk, "预警已确认") for pk in _answered_alert_cases()]
    for pk, reason in cleared:
        with transaction.atomic():
            case = _lock_open(pk)
            if case is not None:
                case_shut(case, actor=None, reason=reason, now=now)
                report.closed += 1


def _answered_alert_cases() -> list[int]:
    """Open cases about a surge alert that has since been acknowledged (or acted on, or closed)."""
    cases = SupervisionCase.objects.filter(status=CaseStatus.OPEN, trigger=Trigger.SURGE_UNANSWERED).order_by()
    ids = {int(key.split(":")[1]): pk for key, pk in cases.values_list("subject_key", "pk")}
    if not ids:
        return []
    answered = (
        SurgeAlert.objects.filter(pk__in=list(ids)).exclude(status=AlertStatus.RAISED).values_list("pk", flat=True)
    )
    return [ids[pk] for pk in answered]


def cases_turn_red(
    moves: list[tuple[int, str]], *, now: dt.datetime, calendar: WorkingCalendar, ladder: Mapping, report: SweepReport
) -> None:
    """Yellow cards whose ticket passed its limit become red: the ladder's first step starts now."""
    due = [pk for pk, move in moves if move == RED]
    if not due:
        return
    step_due = selectors.step_due_at(calendar, ladder[Tier.ROUTINE], now)
    for pk in due:
        try:
            with transaction.atomic():
                case = _lock_open(pk, trigger=Trigger.NEAR_DUE)
                if case is None:
                    continue
                case.trigger, case.step_started_at, case.step_due_at = Trigger.OVERDUE, now, step_due
                case._history_user, case._change_reason = None, gettext_noop("supervision sweep: past the time limit")
                case.save(update_fields=["trigger", "step_started_at", "step_due_at"])
                reason = f"已超出办理时限（{_local(case.ticket.due_at, calendar)}到期）"
                case_event_record(case, CaseEventKind.CARD_RED, actor=None, reason=reason, at=now)
                reminder_queue(case, step="red", message=reason)
                report.turned_red += 1
        except IntegrityError:
            continue  # an overdue case for the ticket was opened meanwhile; the next sweep closes this one


def cases_climb_ladder(*, now: dt.datetime, calendar: WorkingCalendar, ladder: Mapping, report: SweepReport) -> None:
    """Cases whose department let the response deadline pass move up a rung; at the top, it is recorded once."""
    lapsed = SupervisionCase.objects.filter(status=CaseStatus.OPEN, step_due_at__lt=now).order_by("step_due_at")
    for pk in list(lapsed.values_list("pk", flat=True)):
        with transaction.atomic():
            case = _lock_open(pk, step_due_at__lt=now)
            if case is None:
                continue
            reason = f"{case.get_tier_display()}响应期限已过，未见办理进展"
            if case.tier == Tier.TASK_FORCE:
                case.step_due_at = None
                case._history_user, case._change_reason = None, gettext_noop("supervision sweep: top of the ladder")
                case.save(update_fields=["step_due_at"])
                case_event_record(case, CaseEventKind.LADDER_TOP, actor=None, reason=reason, at=now)
                report.topped += 1
                continue
            previous = case.tier
            case_move_up(case, actor=None, reason=reason, now=now, calendar=calendar, ladder=ladder)
            report.raised += 1
            if previous == Tier.KEY and case.trigger == Trigger.OVERDUE and case.ticket_id:
                created = referral_propose(
                    ticket_id=case.ticket_id,
                    trigger=ReferralTrigger.OVERDUE_AFTER_KEY,
                    reason="经重点督办后仍超期未办结",
                    actor=None,
                )
                report.referrals += created is not None
