"""Supervision's sections of the home queues (docs/homes.md), registered in SupervisionConfig.ready().

Every one reads a small table of open work (open cases, issued letters, draft periods, referrals, raised alerts)
through an index that starts with its filter, with LIMIT; none touches the ticket table.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arbitration.choices import Role
from arbitration.queues import (
    CappedCount,
    QueueContext,
    QueueRow,
    QueueSection,
    is_departmental,
    queue_register,
)
from supervision import access, selectors
from supervision.choices import TIER_ORDER, AlertStatus, CaseStatus, LetterStatus, PeriodStatus, ReferralStatus
from supervision.models import DisciplineReferral, ScorePeriod, SupervisionCase, SupervisionLetter, SurgeAlert


def _case_label(case: SupervisionCase) -> str:
    return case.ticket.hotline_no if case.ticket_id else case.get_trigger_display()


def _case_rows(cases: QuerySet[SupervisionCase], limit: int) -> list[QueueRow]:
    return [
        QueueRow(
            label=_case_label(case),
            text=case.ticket.title if case.ticket_id else (case.department.name if case.department_id else ""),
            url=reverse("supervision:case", args=[case.pk]),
            due=case.step_due_at,
            note=f"{case.get_tier_display()} · {case.get_trigger_display()}",
        )
        for case in cases[:limit]
    ]


# What a case's row shows: the rest of the case and its ticket's forty columns are not read (docs/homes.md).
CASE_ROW_FIELDS = (
    "ticket_id",
    "department_id",
    "trigger",
    "tier",
    "step_due_at",
    "ticket__hotline_no",
    "ticket__title",
)
CASE_ROW_FIELDS += ("department__name",)


# --- supervisor -------------------------------------------------------------------------------------------------
def _open_cases(ctx: QueueContext) -> QuerySet[SupervisionCase]:
    """Every open case in the supervision queue's own order (selectors.case_queue: the partial index
    case_open_queue_due): what the count reads, LIMIT 100 from the index."""
    return selectors.case_queue(SupervisionCase.objects.all())


def _open_case_rows(ctx: QueueContext) -> list[QueueRow]:
    """The heaviest rung first (a task-force case outranks a routine one whatever their deadlines), each rung in the
    queue's order. One query per rung, each a range of the partial index case_open_tier_queue_due, LIMIT the rows
    shown: always the three, so the home costs the same queries whatever is open. Ordered by a CASE over the rungs,
    one query sorted every open case with its ticket joined (127 ms with 27,000 open, docs/homes.md)."""
    cases = []
    for tier in reversed(TIER_ORDER):
        cases += selectors.case_queue(SupervisionCase.objects.all(), tier=tier).only(*CASE_ROW_FIELDS)[: ctx.limit]
    return _case_rows(cases, ctx.limit)


def _letters_overdue(ctx: QueueContext) -> QuerySet[SupervisionLetter]:
    # The (status, response_due_on) index: the register's own "overdue".
    return (
        access.letters_visible_to(ctx.user)
        .filter(status=LetterStatus.ISSUED, response_due_on__lt=ctx.today)
        .select_related("department")
        .order_by("response_due_on", "pk")
    )


def _letter_rows(letters: QuerySet[SupervisionLetter], limit: int) -> list[QueueRow]:
    return [
        QueueRow(
            label=letter.document_number,
            text=letter.get_kind_display(),
            url=reverse("supervision:letter", args=[letter.pk]),
            due=letter.response_due_on,
            note=letter.addressee,
        )
        for letter in letters.select_related(None).only("document_number", "kind", "response_due_on", "addressee")[
            :limit
        ]
    ]


def _draft_periods(ctx: QueueContext) -> QuerySet[ScorePeriod]:
    return ScorePeriod.objects.filter(status=PeriodStatus.DRAFT).order_by("period_start", "pk")


def _period_rows(ctx: QueueContext) -> list[QueueRow]:
    url = reverse("supervision:scorecards")
    return [
        QueueRow(
            label=f"{period.period_start:%Y-%m}",
            text=period.get_period_kind_display(),
            url=f"{url}?period_kind={period.period_kind}&period_start={period.period_start:%Y-%m-%d}",
            note=_("draft: review the appeals, then publish"),
        )
        for period in _draft_periods(ctx).only("period_start", "period_kind")[: ctx.limit]
    ]


def _referrals(statuses) -> callable:
    def queryset(ctx: QueueContext) -> QuerySet[DisciplineReferral]:
        # The (status, sent_at) index; proposals have no sent_at and come in the order they were proposed.
        return (
            access.referrals_visible_to(ctx.user)
            .filter(status__in=statuses)
            .select_related("ticket")
            .order_by("sent_at", "proposed_at", "pk")
        )

    return queryset


_proposed = _referrals((ReferralStatus.PROPOSED,))
_awaiting_commission = _referrals((ReferralStatus.SENT, ReferralStatus.RECEIVED, ReferralStatus.UNDER_REVIEW))


def _referral_rows(queryset_fn):
    def rows(ctx: QueueContext) -> list[QueueRow]:
        return [
            QueueRow(
                label=referral.ticket.hotline_no if referral.ticket_id else str(referral.pk),
                text=referral.get_trigger_display(),
                url=reverse("supervision:referral", args=[referral.pk]),
                note=referral.get_status_display(),
            )
            for referral in queryset_fn(ctx).only("ticket_id", "trigger", "status", "ticket__hotline_no")[: ctx.limit]
        ]

    return rows


# --- department liaison ---------------------------------------------------------------------------------------
def _cases_to_answer(ctx: QueueContext) -> QuerySet[SupervisionCase]:
    # The (department, status) index: the liaison's desk.
    return (
        SupervisionCase.objects.filter(status=CaseStatus.OPEN, department_id__in=ctx.user.department_ids)
        .select_related("ticket", "department")
        .order_by("step_due_at", "pk")
    )


def _letters_to_answer(ctx: QueueContext) -> QuerySet[SupervisionLetter]:
    # The (department, status) index.
    return (
        SupervisionLetter.objects.filter(status=LetterStatus.ISSUED, department_id__in=ctx.user.department_ids)
        .select_related("department")
        .order_by("response_due_on", "pk")
    )


def _alerts_to_acknowledge(ctx: QueueContext) -> QuerySet[SurgeAlert]:
    # The (department, status) index.
    return (
        SurgeAlert.objects.filter(status=AlertStatus.RAISED, department_id__in=ctx.user.department_ids)
        .select_related("matter", "territory")
        .order_by("acknowledge_due", "pk")
    )


def _alert_rows(ctx: QueueContext) -> list[QueueRow]:
    return [
        QueueRow(
            label=f"{alert.day:%Y-%m-%d}",
            text=" · ".join(
                name
                for name in (
                    alert.matter.name if alert.matter_id else "",
                    alert.territory.name if alert.territory_id else "",
                )
                if name
            ),
            url=reverse("supervision:alert", args=[alert.pk]),
            due=alert.acknowledge_due,
            note=_("acknowledge the alert"),
        )
        for alert in _alerts_to_acknowledge(ctx).only(
            "day", "matter_id", "territory_id", "acknowledge_due", "matter__name", "territory__name"
        )[: ctx.limit]
    ]


def register() -> None:
    supervisors = (Role.SUPERVISOR,)
    liaisons = (Role.LIAISON,)
    for section in (
        QueueSection(
            key="supervision.cases",
            roles=supervisors,
            title=gettext_lazy("Open supervision cases by rung and deadline"),
            short=gettext_lazy("Cases"),
            rows=_open_case_rows,
            count=CappedCount(lambda ctx: [_open_cases(ctx)]),
            list_url="supervision:queue",
            order=10,
            applies=access.is_supervisor,
        ),
        QueueSection(
            key="supervision.letters_overdue",
            roles=supervisors,
            title=gettext_lazy("Letters overdue"),
            short=gettext_lazy("Letters overdue"),
            rows=lambda ctx: _letter_rows(_letters_overdue(ctx), ctx.limit),
            count=CappedCount(lambda ctx: [_letters_overdue(ctx)]),
            list_url="supervision:letters",
            order=20,
        ),
        QueueSection(
            key="supervision.draft_periods",
            roles=supervisors,
            title=gettext_lazy("Draft scorecards waiting"),
            short=gettext_lazy("Draft scorecards"),
            rows=_period_rows,
            count=CappedCount(lambda ctx: [_draft_periods(ctx)]),
            list_url="supervision:scorecards",
            order=30,
        ),
        QueueSection(
            key="supervision.proposals",
            roles=supervisors,
            title=gettext_lazy("Referral proposals"),
            short=gettext_lazy("Proposals"),
            rows=_referral_rows(_proposed),
            count=CappedCount(lambda ctx: [_proposed(ctx)]),
            list_url="supervision:referrals",
            order=40,
        ),
        QueueSection(
            key="supervision.to_answer",
            roles=liaisons,
            title=gettext_lazy("Supervision cases to answer"),
            short=gettext_lazy("Cases to answer"),
            rows=lambda ctx: _case_rows(_cases_to_answer(ctx).only(*CASE_ROW_FIELDS), ctx.limit),
            count=CappedCount(lambda ctx: [_cases_to_answer(ctx)]),
            list_url="supervision:desk",
            order=30,
            applies=is_departmental,
        ),
        QueueSection(
            key="supervision.letters_to_answer",
            roles=liaisons,
            title=gettext_lazy("Letters to answer"),
            short=gettext_lazy("Letters to answer"),
            rows=lambda ctx: _letter_rows(_letters_to_answer(ctx), ctx.limit),
            count=CappedCount(lambda ctx: [_letters_to_answer(ctx)]),
            list_url="supervision:letters",
            order=35,
            applies=is_departmental,
        ),
        QueueSection(
            key="supervision.alerts",
            roles=liaisons,
            title=gettext_lazy("Surge alerts to acknowledge"),
            short=gettext_lazy("Alerts"),
            rows=_alert_rows,
            count=CappedCount(lambda ctx: [_alerts_to_acknowledge(ctx)]),
            list_url="supervision:alerts",
            order=50,
            applies=is_departmental,
        ),
        QueueSection(
            key="supervision.referrals_received",
            roles=(Role.DISCIPLINE_LIAISON,),
            title=gettext_lazy("Referrals awaiting the commission's answer"),
            short=gettext_lazy("Referrals"),
            rows=_referral_rows(_awaiting_commission),
            count=CappedCount(lambda ctx: [_awaiting_commission(ctx)]),
            list_url="supervision:referrals",
            order=10,
        ),
    ):
        queue_register(section)
