"""The legal desk's sections of the home queues (docs/homes.md), registered from legal.home.register().

Legal cases, leads and feedback are small tables; each section is one indexed query with LIMIT.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arbitration.choices import Role
from arbitration.queues import QueueContext, QueueRow, QueueSection, capped_count, queue_register
from legal import access
from legal.choices import CaseStatus, LeadStatus
from legal.models import LeadFeedback, LegalCase, PublicInterestLead

# A case waiting for a lawyer comes first, then one waiting for advice, then one advised (to hand off or close).
_STATE_ORDER = Case(
    When(status=CaseStatus.OPEN, then=Value(0)),
    When(status=CaseStatus.ASSIGNED, then=Value(1)),
    When(status=CaseStatus.ADVISED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def _cases(ctx: QueueContext) -> QuerySet[LegalCase]:
    """A lawyer's own open cases; the desk lead's every open case. The (status, opened_at) index."""
    cases = access.legal_cases_visible_to(ctx.user).exclude(status=CaseStatus.CLOSED)
    if not access.is_desk_lead(ctx.user):
        cases = cases.filter(lawyer=ctx.user)
    return cases.select_related("ticket").order_by(_STATE_ORDER, "opened_at", "pk")


def _case_rows(ctx: QueueContext) -> list[QueueRow]:
    return [
        QueueRow(
            label=case.ticket.hotline_no,
            text=case.ticket.title,
            url=reverse("legal:case", args=[case.pk]),
            due=case.ticket.due_at,
            note=case.get_status_display(),
        )
        for case in _cases(ctx)[: ctx.limit]
    ]


def _advice_due(ctx: QueueContext) -> QuerySet[LegalCase]:
    """Assigned and not yet advised: the lawyer owes the advice the ticket's reply waits for."""
    return _cases(ctx).filter(status=CaseStatus.ASSIGNED).order_by("assigned_at", "pk")


def _advice_rows(ctx: QueueContext) -> list[QueueRow]:
    return [
        QueueRow(
            label=case.ticket.hotline_no,
            text=case.ticket.title,
            url=reverse("legal:case", args=[case.pk]),  # the advice form is on the case page
            due=case.ticket.due_at,
            note=_("write the advice"),
        )
        for case in _advice_due(ctx)[: ctx.limit]
    ]


def _leads(statuses):
    def queryset(ctx: QueueContext) -> QuerySet[PublicInterestLead]:
        # The (status, proposed_at) index.
        return (
            access.leads_visible_to(ctx.user)
            .filter(status__in=statuses)
            .select_related("domain")
            .order_by("proposed_at", "pk")
        )

    return queryset


_to_screen = _leads((LeadStatus.PROPOSED,))
_with_procuratorate = _leads((LeadStatus.HANDED_OFF,))


def _lead_rows(queryset_fn, note):
    def rows(ctx: QueueContext) -> list[QueueRow]:
        return [
            QueueRow(label=lead.domain.name, text=lead.title, url=reverse("legal:lead", args=[lead.pk]), note=note)
            for lead in queryset_fn(ctx)[: ctx.limit]
        ]

    return rows


def _feedback_due(ctx: QueueContext) -> QuerySet[LeadFeedback]:
    """Procuratorial recommendations whose written answer (two months) has not been recorded yet."""
    leads = access.leads_visible_to(ctx.user).values("pk")
    return (
        LeadFeedback.objects.filter(lead__in=leads, answer_due_on__isnull=False, answered_on=None)
        .select_related("lead", "recommendation_to")
        .order_by("answer_due_on", "pk")
    )


def _feedback_rows(ctx: QueueContext) -> list[QueueRow]:
    return [
        QueueRow(
            label=feedback.recommendation_to.name if feedback.recommendation_to_id else "",
            text=feedback.lead.title,
            url=reverse("legal:lead", args=[feedback.lead_id]),
            due=feedback.answer_due_on,
            note=_("written answer to the recommendation due"),
        )
        for feedback in _feedback_due(ctx)[: ctx.limit]
    ]


def register() -> None:
    desk = (Role.LEGAL_DESK_LEAD, Role.LAWYER)
    for section in (
        QueueSection(
            key="legal.cases",
            roles=desk,
            title=gettext_lazy("Legal cases by state"),
            short=gettext_lazy("Legal cases"),
            rows=_case_rows,
            count=lambda ctx: capped_count(_cases(ctx)),
            list_url="legal:desk",
            order=60,
        ),
        QueueSection(
            key="legal.advice",
            roles=(Role.LAWYER,),
            title=gettext_lazy("Advice due"),
            short=gettext_lazy("Advice due"),
            rows=_advice_rows,
            count=lambda ctx: capped_count(_advice_due(ctx)),
            list_url="legal:desk",
            order=61,
        ),
        QueueSection(
            key="legal.screen",
            roles=(Role.LEGAL_DESK_LEAD,),
            title=gettext_lazy("Leads to screen"),
            short=gettext_lazy("Leads to screen"),
            rows=_lead_rows(_to_screen, gettext_lazy("accept or dismiss")),
            count=lambda ctx: capped_count(_to_screen(ctx)),
            list_url="legal:leads",
            order=62,
        ),
        QueueSection(
            key="legal.feedback",
            roles=(Role.LEGAL_DESK_LEAD, Role.PROCURATORATE_LIAISON),
            title=gettext_lazy("Feedback due"),
            short=gettext_lazy("Feedback due"),
            rows=_feedback_rows,
            count=lambda ctx: capped_count(_feedback_due(ctx)),
            list_url="legal:leads",
            order=63,
        ),
        QueueSection(
            key="legal.received",
            roles=(Role.PROCURATORATE_LIAISON,),
            title=gettext_lazy("Leads handed to the procuratorate, awaiting receipt"),
            short=gettext_lazy("Leads received"),
            rows=_lead_rows(_with_procuratorate, gettext_lazy("record the receipt")),
            count=lambda ctx: capped_count(_with_procuratorate(ctx)),
            list_url="legal:leads",
            order=10,
        ),
    ):
        queue_register(section)
