"""Demo data for supervision, added when `manage.py seed_demo` sends `arbitration.signals.demo_seeded`:
cases at each tier (overdue, repeated, unsatisfied), issued and answered letters, a few months of scorecards,
and a referral sent with its dossier — so every supervision page has something real on it."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.utils import timezone

from arbitration.choices import Role
from arbitration.errors import DomainError
from arbitration.models import DepartmentMembership, Ticket
from supervision.alerts.run import surges_detect
from supervision.choices import CaseStatus, LetterKind, PeriodKind, Tier
from supervision.models import LetterDraft, ScorePeriod, SupervisionCase
from supervision.services import cases, letters, referrals, scorecards
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
    stdout.write(
        f"supervision: {report.summary()}; {len(issued)} letters issued ({answered} answered), "
        f"{len(cards)} scorecards, referral: {referral or 'none'}; tiers: "
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
    return ticket.hotline_no
