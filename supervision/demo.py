"""Demo data for supervision, added when `manage.py seed_demo` sends `arbitration.signals.demo_seeded`:
cases at each tier (overdue, repeated, unsatisfied), issued and answered letters, a few months of scorecards,
and a referral sent with its dossier — so every supervision page has something real on it."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.db.models import Count
from django.utils import timezone

from arbitration.calendar import WorkingCalendar
from arbitration.choices import DepartmentKind, DutyRole, ProposalAction, Role
from arbitration.errors import DomainError
from arbitration.models import Department, DepartmentMembership, Duty, Ticket
from arbitration.services.reform import DutyChange
from supervision.alerts.run import surges_detect
from supervision.choices import CaseStatus, LetterKind, PeriodKind, Tier, TopicSource
from supervision.models import LetterDraft, ScorePeriod, SupervisionCase
from supervision.services import cases, letters, referrals, scorecards, topics
from supervision.services.sweep import supervision_sweep
from supervision.texts.facts import Interview


def demo_extend(*, context, rng, stdout, **kwargs) -> None:
    supervisor = next(iter(context.users_with_role(Role.SUPERVISOR)), context.admin)
    # The demo's daily history ends in a few surges (arbitration.demo.history): yesterday's detection finds them,
    # so the owning departments' liaisons have live alerts waiting.
    surges_detect(day=timezone.localtime(context.now).date() - dt.timedelta(days=1), now=context.now)
    report = supervision_sweep(now=context.now)
    open_cases = list(
        SupervisionCase.objects.filter(status=CaseStatus.OPEN, ticket__isnull=False, department__isnull=False).order_by(
            "pk"
        )
    )
    rng.shuffle(open_cases)
    # Cases of departments with a demo liaison first, so that the liaison's desk has letters to answer.
    staffed = set(
        DepartmentMembership.objects.filter(user__groups__name=Role.LIAISON).values_list("department_id", flat=True)
    )
    open_cases.sort(key=lambda case: case.department_id not in staffed)
    for case in open_cases[:6]:
        cases.case_raise(case_id=case.pk, actor=supervisor, reason="超期较长，提级重点督办")
    for case in open_cases[:2]:
        cases.case_raise(case_id=case.pk, actor=supervisor, reason="重点督办后仍未见进展，转专班调度")
    issued = [
        letters.letter_issue_for_case(case_id=case.pk, kind=kind, actor=supervisor)
        for case, kind in zip(
            open_cases[:5],
            (
                LetterKind.ESCALATION,
                LetterKind.ESCALATION,
                LetterKind.REMINDER,
                LetterKind.REMINDER,
                LetterKind.ESCALATION,
            ),
            strict=False,
        )
    ]
    answered = 0
    for letter in issued[:2]:
        liaison = (
            DepartmentMembership.objects.filter(department_id=letter.department_id, user__groups__name=Role.LIAISON)
            .select_related("user")
            .first()
        )
        if liaison is not None:
            letters.letter_answer(letter_id=letter.pk, actor=liaison.user, text="已组织现场处置，群众诉求已解决。")
            answered += 1
    cards = _scorecards(context.now, supervisor)
    warning = LetterDraft.objects.filter(kind=LetterKind.WARNING, status="draft").first()
    if warning is not None:
        letters.letter_issue(draft_id=warning.pk, actor=supervisor)
    interview = LetterDraft.objects.filter(kind=LetterKind.INTERVIEW, status="draft").first()
    if interview is not None:
        arrangements = _interview_arrangements(context.now)
        letters.letter_issue(draft_id=interview.pk, actor=supervisor, interview=arrangements, now=context.now)
    referral = _referral(context, supervisor)
    topic = _topic_and_proposal(context, supervisor)
    stdout.write(
        f"supervision: {report.summary()}; {len(issued)} letters issued ({answered} answered), "
        f"{len(cards)} scorecards, referral: {referral or 'none'}, {topic}; tiers: "
        + ", ".join(f"{tier}={SupervisionCase.objects.filter(status='open', tier=tier).count()}" for tier in Tier)
    )


def _interview_arrangements(now: dt.datetime) -> Interview:
    """A week on, at ten in the morning, in the hotline office's meeting room."""
    day = timezone.localtime(now).date() + dt.timedelta(days=7)
    return Interview(
        at=dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone()),
        place="市12345热线管理办公室第一会议室",
        attendees="单位主要负责同志、分管负责同志及热线工作联络员",
        materials="书面情况说明、整改方案及近三个月工单办理台账",
    )


def _scorecards(now: dt.datetime, supervisor) -> list:
    """Three months of drafts and a quarter. The oldest month was first drafted a fortnight ago, so its appeal
    window has closed and it is published (bulletin, warning and interview drafts): both states show."""
    months, month = [], now.date().replace(day=1)
    for _ in range(3):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    oldest = months[-1]
    cards = scorecards.scorecards_compute(
        period_kind=PeriodKind.MONTH, period_start=oldest, now=now - dt.timedelta(days=15)
    )
    for month in months[:-1]:
        cards += scorecards.scorecards_compute(period_kind=PeriodKind.MONTH, period_start=month, now=now)
    cards += scorecards.scorecards_compute(period_kind=PeriodKind.QUARTER, period_start=oldest, now=now)
    period = ScorePeriod.objects.get(period_kind=PeriodKind.MONTH, period_start=oldest)
    with contextlib.suppress(DomainError):  # e.g. the calendar lacks a year: the month stays a draft
        scorecards.scorecards_publish(period_id=period.pk, actor=supervisor, reason="演示数据", now=now)
    return cards


def _referral(context, supervisor) -> str | None:
    liaison = next(iter(context.users_with_role(Role.DISCIPLINE_LIAISON)), None)
    number = next(iter(context.ping_pong), None)
    ticket = Ticket.objects.filter(hotline_no=number).first() if number else Ticket.objects.open().first()
    if ticket is None:
        return None
    referral = referrals.referral_create(
        ticket_id=ticket.pk, actor=supervisor, reason="多个单位反复推诿，群众诉求长期未解决"
    )
    if liaison is not None:
        referrals.referral_send(referral_id=referral.pk, liaison_id=liaison.pk, actor=supervisor)
    # A second ping-pong ticket, proposed by another supervisor and left for the README's supervisor to decide.
    second = Ticket.objects.filter(hotline_no__in=list(context.ping_pong)[1:]).exclude(pk=ticket.pk).first()
    proposer = next((user for user in context.users_with_role(Role.SUPERVISOR) if user.pk != supervisor.pk), None)
    if second is not None and proposer is not None:
        referrals.referral_create(
            ticket_id=second.pk, actor=proposer, reason="演示：该工单在多个单位之间反复退单，建议移送纪委监委"
        )
    return ticket.hotline_no


def _topic_and_proposal(context, supervisor) -> str:
    """A running monthly topic on the busiest matter (approved, one progress report), ending in a catalogue reform
    proposal that waits for the catalogue administrator (docs/topics.md, docs/catalogue-reform.md)."""
    dispatcher = next(iter(context.users_with_role(Role.DISPATCHER)), supervisor)
    leader = next(iter(context.users_with_role(Role.CITY_LEADER)), context.admin)
    by_matter = Ticket.objects.values("matter_id").annotate(n=Count("pk")).order_by("-n", "matter_id")
    busiest = by_matter.values_list("matter_id", flat=True).first()
    lead = Duty.objects.current().filter(matter_id=busiest, role=DutyRole.LEAD).order_by("pk").first()
    if busiest is None or lead is None:
        return "none"
    matter = lead.matter
    topic = topics.topic_propose(
        actor=dispatcher,
        title=f"{matter.name}反复投诉专项治理",
        matter_id=matter.pk,
        rationale=f"近期“{matter.name}”类诉求量居全市前列，重复来电和推诿较多。",
        source_kind=TopicSource.HOTSPOT,
        source_reference=f"热点：{matter.name}",
    )
    calendar, today = WorkingCalendar.load(), timezone.localtime(context.now).date()
    left = calendar.working_days_between(today, dt.date(max(calendar.known_years), 12, 31))
    topics.topic_approve(
        topic_id=topic.pk,
        actor=leader,
        lead_id=lead.department_id,
        goal="一个月内同类诉求下降三成，重复来电明显减少。",
        target_weekly_tickets=None,
        working_days=max(1, min(20, left)),
        now=context.now,
    )
    liaison = (
        DepartmentMembership.objects.filter(department_id=lead.department_id, user__groups__name=Role.LIAISON)
        .select_related("user")
        .first()
    )
    topics.topic_report_submit(
        topic_id=topic.pk,
        actor=liaison.user if liaison else context.admin,
        text="已梳理历史工单，召开专题会议，明确街道和执法中队分工，开展集中整治。",
        figures={"梳理工单": topic.memberships.count(), "专题会议": 1},
        now=context.now,
    )
    district = Department.objects.filter(kind=DepartmentKind.DISTRICT, is_active=True, territory__isnull=False).first()
    proposal = None
    if district is not None:
        proposal = topics.topic_propose_catalogue_reform(
            topic_id=topic.pk,
            actor=dispatcher,
            title=f"{matter.name}：明确{district.name}协办职责",
            rationale="每月一题办理中发现，属地政府在该事项中的协办分工在目录中未写明，建议补充。",
            changes=[
                DutyChange(
                    action=ProposalAction.ADD,
                    department_id=district.pk,
                    matter_id=matter.pk,
                    territory_id=district.territory_id,
                    role=DutyRole.CO_HANDLER,
                    legal_basis="每月一题办理成果；属地管理职责",
                )
            ],
        )
    waiting = f"proposal #{proposal.pk} awaiting approval" if proposal else "no proposal"
    return f"topic “{topic.title}” ({topic.memberships.count()} tickets), {waiting}"
