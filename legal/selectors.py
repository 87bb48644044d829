"""Reads of the legal desk: lists filtered by access, advice versions, the read log, the monthly ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from arbitration.access import mask_name, mask_phone
from arbitration.choices import Role, TicketEventKind
from arbitration.models import Ticket, TicketEvent, User
from legal.access import leads_visible_to, legal_cases_visible_to, may_see_lead_personal_data
from legal.choices import LeadStatus
from legal.models import Advice, CaseRead, Handoff, HandoffBody, LeadFeedback, LegalCase, PublicInterestLead


def legal_case_list(*, user, status: str | None = None) -> QuerySet[LegalCase]:
    cases = legal_cases_visible_to(user, LegalCase.objects.select_related("ticket", "ticket__matter", "lawyer"))
    return cases.filter(status=status) if status else cases


def lawyer_list() -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=Role.LAWYER).distinct().order_by("username")


def body_list(*, active_only: bool = True) -> QuerySet[HandoffBody]:
    bodies = HandoffBody.objects.all()
    return bodies.filter(is_active=True) if active_only else bodies


def case_advice(case: LegalCase) -> QuerySet[Advice]:
    return case.advice.select_related("lawyer").order_by("created_at", "pk")


@dataclass(frozen=True)
class AdviceVersion:
    version: int
    question: str
    analysis: str
    authorities: list
    route_label: str
    reply_text: str
    saved_at: dt.datetime
    saved_by: str
    reason: str


def advice_versions(advice: Advice) -> list[AdviceVersion]:
    """Every saved version of the advice, newest first (django-simple-history keeps each one whole)."""
    return [
        AdviceVersion(
            version=row.version,
            question=row.question,
            analysis=row.analysis,
            authorities=row.authorities,
            route_label=row.get_route_display(),
            reply_text=row.reply_text,
            saved_at=row.history_date,
            saved_by=str(row.history_user or ""),
            reason=row.history_change_reason or "",
        )
        for row in advice.history.select_related("history_user").order_by("-history_date", "-history_id")
    ]


def case_reads(case: LegalCase) -> QuerySet[CaseRead]:
    """Newest first: the index (case, at) read backwards, ties on the time put in order by the id."""
    return case.reads.select_related("user").order_by("-at", "-pk")


def case_handoffs(case: LegalCase) -> QuerySet[Handoff]:
    return case.handoffs.select_related("body")


def ticket_legal_route(ticket: Ticket) -> list[TicketEvent]:
    """The legal route on the ticket's record (sent to the desk, advice route, hand-offs), oldest first."""
    return list(ticket.events.filter(kind=TicketEventKind.LEGAL_ROUTE).select_related("actor"))


def lead_list(*, user, status: str | None = None) -> QuerySet[PublicInterestLead]:
    leads = leads_visible_to(user, PublicInterestLead.objects.select_related("domain", "territory"))
    return leads.filter(status=status) if status else leads


@dataclass(frozen=True)
class LeadTicketRow:
    hotline_no: str
    received_at: dt.datetime
    title: str
    content: str
    address: str
    citizen: str
    phone: str


def lead_tickets(lead: PublicInterestLead, user) -> list[LeadTicketRow]:
    """The source tickets as this user may see them: personal data masked unless consent (or the desk)."""
    disclose = may_see_lead_personal_data(user, lead)
    rows = []
    for ticket in lead.tickets.select_related("territory").order_by("received_at", "pk"):
        show = disclose and not ticket.confidential
        rows.append(
            LeadTicketRow(
                hotline_no=ticket.hotline_no,
                received_at=ticket.received_at,
                title=ticket.title,
                content=ticket.content,
                address=f"{ticket.territory.name}{ticket.address}",
                citizen=ticket.citizen_name if show else mask_name(ticket.citizen_name),
                phone=ticket.citizen_phone if show else mask_phone(ticket.citizen_phone),
            )
        )
    return rows


@dataclass(frozen=True)
class LedgerRow:
    lead_id: int
    document_number: str
    handed_at: dt.datetime
    domain: str
    title: str
    tickets: int
    status_label: str
    received_at: dt.datetime | None
    feedback: str
    recommendation_to: str
    answer_due_on: dt.date | None
    answer_overdue: bool


def ledger(*, user, year: int, month: int) -> list[LedgerRow]:
    """线索台账: the leads handed to the procuratorate in one month and where each stands."""
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    leads = (
        leads_visible_to(user, PublicInterestLead.objects.all())
        .filter(referral__issued_at__gte=start, referral__issued_at__lt=end)
        .select_related("domain", "referral")
        .prefetch_related("tickets", Prefetch("feedback", LeadFeedback.objects.select_related("recommendation_to")))
        .order_by("referral__issued_at", "pk")
    )
    today = timezone.localdate()
    return [_ledger_row(lead, today) for lead in leads]


def _ledger_row(lead: PublicInterestLead, today: dt.date) -> LedgerRow:
    feedback = list(lead.feedback.all())
    recommendation = next((f for f in reversed(feedback) if f.answer_due_on), None)
    due = recommendation.answer_due_on if recommendation else None
    return LedgerRow(
        lead_id=lead.pk,
        document_number=lead.referral.document_number,
        handed_at=lead.referral.issued_at,
        domain=lead.domain.name,
        title=lead.title,
        tickets=len(lead.tickets.all()),
        status_label=LeadStatus(lead.status).label,
        received_at=lead.referral.received_at,
        feedback="；".join(_feedback_text(f) for f in feedback),
        recommendation_to=str(recommendation.recommendation_to) if recommendation else "",
        answer_due_on=due,
        answer_overdue=bool(due and due < today and not recommendation.answered_on),
    )


def _feedback_text(feedback: LeadFeedback) -> str:
    detail = feedback.declined_reason or feedback.note
    return f"{feedback.get_kind_display()}：{detail}" if detail else str(feedback.get_kind_display())
