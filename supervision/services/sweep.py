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
from collections.abc import Iterator

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef
from django.utils import timezone

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


def supervision_sweep(*, now: dt.datetime | None = None, calendar: WorkingCalendar | None = None) -> SweepReport:
    """Run every rule once, in this process. Each step commits on its own, so a failure halfway keeps what was done.

    The same three stages, split over Celery workers by ticket id range, are the spread sweep
    (`supervision.spread`, docs/spread.md): prepare once, open the time-limit cases per range, finish once.
    """
    now = now or timezone.now()
    calendar = calendar or WorkingCalendar.load()
    report = SweepReport()
    sweep_prepare(now=now, calendar=calendar, report=report)
    sweep_time_limits(now=now, calendar=calendar, report=report)
    sweep_finish(now=now, calendar=calendar, report=report)
    return report


def sweep_prepare(*, now: dt.datetime, calendar: WorkingCalendar, report: SweepReport) -> None:
    """First: a ticket that was answered or extended must not turn red or climb in the same run."""
    cases_close_cleared(now=now, calendar=calendar, report=report)
    cases_turn_red(now=now, calendar=calendar, ladder=selectors.ladder(), report=report)


def sweep_time_limits(
    *,
    now: dt.datetime,
    calendar: WorkingCalendar,
    report: SweepReport,
    first: int | None = None,
    last: int | None = None,
) -> None:
    """Open the time-limit cases of the open tickets with ids in [first, last] (all of them by default): the part
    of the sweep that grows with open tickets, and the part the spread sweep splits. Idempotent: a ticket with an
    open time-limit case is no candidate, and each call opens under its own run token."""
    ladder, run = selectors.ladder(), uuid.uuid4().hex
    for batch in batches(time_limit_candidates(now=now, calendar=calendar, first=first, last=last)):
        cases_open_batch(batch, now=now, calendar=calendar, ladder=ladder, run=run, report=report)


def sweep_finish(*, now: dt.datetime, calendar: WorkingCalendar, report: SweepReport) -> None:
    """The rules that grow with open cases, bounces and recent tickets: run once, after the time limits."""
    ladder, run = selectors.ladder(), uuid.uuid4().hex
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
    rows = rejected.values("department_id").annotate(n=Count("pk")).filter(n__gte=threshold)
    for row in rows:
        key = f"department:{row['department_id']}"
        last = SupervisionCase.objects.filter(trigger=Trigger.UNREASONABLE_BOUNCES, subject_key=key).aggregate(
            last=Max("opened_at")
        )["last"]
        count = rejected.filter(department_id=row["department_id"], reviewed_at__gt=last).count() if last else row["n"]
        if count >= threshold:
            yield Candidate(
                Trigger.UNREASONABLE_BOUNCES, key, None, row["department_id"], f"{days}日内无理退单{count}次"
            )


def unanswered_alert_candidates(*, now: dt.datetime, calendar: WorkingCalendar) -> Iterator[Candidate]:
    """Surge alerts still not acknowledged after their acknowledge-by day (MINGZE_ALERT_ACKNOWLEDGE_WORKING_DAYS),
    once each: an alert that already had a case is not opened again (docs/alerts.md, "Unanswered alerts")."""
    today = now.astimezone(calendar.tz).date()
    had_case = set(
        SupervisionCase.objects.filter(trigger=Trigger.SURGE_UNANSWERED).values_list("subject_key", flat=True)
    )
    overdue = SurgeAlert.objects.filter(status=AlertStatus.RAISED, acknowledge_due__lt=today, department__isnull=False)
    for alert in overdue.select_related("matter", "territory").order_by("pk"):
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


def cases_close_cleared(*, now: dt.datetime, calendar: WorkingCalendar, report: SweepReport) -> None:
    """Close cases whose cause has gone: the ticket was answered or closed, its limit extended, or re-rated."""
    cutoff = selectors.near_due_cutoff(calendar, now)
    open_cases = SupervisionCase.objects.filter(status=CaseStatus.OPEN)
    cleared = [
        (
            open_cases.filter(trigger__in=TIME_LIMIT_TRIGGERS).exclude(ticket__status__in=OPEN_TICKET_STATUSES),
            "工单已办理答复",
        ),
        (open_cases.filter(trigger=Trigger.OVERDUE, ticket__due_at__gte=now), "办理时限已延长，不再超期"),
        (open_cases.filter(trigger=Trigger.NEAR_DUE, ticket__due_at__gte=cutoff), "办理时限已延长"),
        (
            open_cases.filter(trigger=Trigger.UNSATISFIED).exclude(ticket__satisfaction=Satisfaction.DISSATISFIED),
            "群众评价已不是不满意",
        ),
        (open_cases.filter(pk__in=_answered_alert_cases(open_cases)), "预警已确认"),
    ]
    for queryset, reason in cleared:
        for pk in list(queryset.values_list("pk", flat=True)):
            with transaction.atomic():
                case = _lock_open(pk)
                if case is not None:
                    case_shut(case, actor=None, reason=reason, now=now)
                    report.closed += 1


def _answered_alert_cases(open_cases) -> list[int]:
    """Open cases about a surge alert that has since been acknowledged (or acted on, or closed)."""
    cases = dict(open_cases.filter(trigger=Trigger.SURGE_UNANSWERED).values_list("subject_key", "pk"))
    ids = {int(key.split(":")[1]): pk for key, pk in cases.items()}
    answered = (
        SurgeAlert.objects.filter(pk__in=list(ids)).exclude(status=AlertStatus.RAISED).values_list("pk", flat=True)
    )
    return [ids[pk] for pk in answered]


def cases_turn_red(*, now: dt.datetime, calendar: WorkingCalendar, ladder: dict, report: SweepReport) -> None:
    """Yellow cards whose ticket passed its limit become red: the ladder's first step starts now."""
    due = SupervisionCase.objects.filter(
        status=CaseStatus.OPEN,
        trigger=Trigger.NEAR_DUE,
        ticket__due_at__lt=now,
        ticket__status__in=OPEN_TICKET_STATUSES,
    )
    step_due = selectors.step_due_at(calendar, ladder[Tier.ROUTINE], now)
    for pk in list(due.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                case = _lock_open(pk, trigger=Trigger.NEAR_DUE)
                if case is None:
                    continue
                case.trigger, case.step_started_at, case.step_due_at = Trigger.OVERDUE, now, step_due
                case._history_user, case._change_reason = None, "supervision sweep: past the time limit"
                case.save(update_fields=["trigger", "step_started_at", "step_due_at"])
                reason = f"已超出办理时限（{_local(case.ticket.due_at, calendar)}到期）"
                case_event_record(case, CaseEventKind.CARD_RED, actor=None, reason=reason, at=now)
                reminder_queue(case, step="red", message=reason)
                report.turned_red += 1
        except IntegrityError:
            continue  # an overdue case for the ticket was opened meanwhile; the next sweep closes this one


def cases_climb_ladder(*, now: dt.datetime, calendar: WorkingCalendar, ladder: dict, report: SweepReport) -> None:
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
                case._history_user, case._change_reason = None, "supervision sweep: top of the ladder"
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
