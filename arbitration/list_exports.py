"""Arbitration's list pages as CSV (the registry in arbitration/views/exports.py; docs/homes.md, "Exports").

Each list reads the same access rule and the same query-string filters as its page.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from arbitration import access
from arbitration.choices import ACTIVE_DISPUTE_STATUSES, BounceOutcome, DisputeStatus
from arbitration.errors import NotFound
from arbitration.models import Agreement, Bounce, ConferenceSession, Dispute, LeaderDecision, Notice, Ruling
from arbitration.views.exports import ListExport, display, heading, list_export_register


def _bounces(request: HttpRequest) -> QuerySet[Bounce]:
    bounces = access.bounces_visible_to(request.user).select_related("ticket", "reason", "department")
    outcome = request.GET.get("outcome", "")
    if outcome in BounceOutcome.values:
        bounces = bounces.filter(outcome=outcome)
    return bounces.order_by("-created_at", "-pk")


def _bounce_review(request: HttpRequest) -> QuerySet[Bounce]:
    if not access.may_review_bounces(request.user):
        raise NotFound()
    return _bounces(request).filter(outcome=BounceOutcome.PENDING).order_by("created_at", "pk")


_BOUNCE_COLUMNS = (
    (_("Number"), lambda b: b.ticket.hotline_no),
    (_("Title"), lambda b: b.ticket.title),
    (heading(Bounce, "department"), lambda b: b.department.name),
    (heading(Bounce, "reason"), lambda b: b.reason.name),
    (heading(Bounce, "explanation"), lambda b: b.explanation),
    (heading(Bounce, "basis"), lambda b: b.basis),
    (heading(Bounce, "created_at"), lambda b: b.created_at),
    (heading(Bounce, "outcome"), display("outcome")),
    (heading(Bounce, "reviewed_at"), lambda b: b.reviewed_at),
)


def _disputes(request: HttpRequest) -> QuerySet[Dispute]:
    """The dispute list's rule for its `status` filter: "active" (the default), one status, or every one."""
    disputes = access.disputes_visible_to(request.user).select_related("ticket").prefetch_related("parties")
    status = request.GET.get("status", "active")
    if status == "active":
        disputes = disputes.filter(status__in=ACTIVE_DISPUTE_STATUSES)
    elif status in DisputeStatus.values:
        disputes = disputes.filter(status=status)
    return disputes.order_by("deadline", "pk")


def _sessions(request: HttpRequest) -> QuerySet[ConferenceSession]:
    return access.sessions_visible_to(request.user).select_related("chair").order_by("-scheduled_for", "-pk")


class _Decisions:
    """Rulings, leader decisions and agreements of the disputes the user may see, as one list."""

    KINDS = ((Ruling, _("Ruling")), (LeaderDecision, _("Leader decision")), (Agreement, _("Agreement")))

    @classmethod
    def rows(cls, request: HttpRequest):
        visible = access.disputes_visible_to(request.user).values("pk")
        for model, label in cls.KINDS:
            for decision in (
                model.objects.filter(dispute__in=visible).select_related("ticket", "lead").order_by("-issued_at")
            ):
                decision.kind_label = label
                yield decision


def _notices(request: HttpRequest) -> QuerySet[Notice]:
    return access.notices_visible_to(request.user).select_related("ticket", "department").order_by("-created_at")


def register() -> None:
    for export in (
        ListExport(name="bounces", rows=_bounces, columns=_BOUNCE_COLUMNS),
        ListExport(name="bounce-review", rows=_bounce_review, columns=_BOUNCE_COLUMNS),
        ListExport(
            name="disputes",
            rows=_disputes,
            columns=(
                (_("Number"), lambda d: d.ticket.hotline_no),
                (_("Title"), lambda d: d.ticket.title),
                (heading(Dispute, "status"), display("status")),
                (heading(Dispute, "trigger"), display("trigger")),
                (heading(Dispute, "parties"), lambda d: "、".join(p.name for p in d.parties.all())),
                (heading(Dispute, "opened_at"), lambda d: d.opened_at),
                (heading(Dispute, "deadline"), lambda d: d.deadline),
            ),
        ),
        ListExport(
            name="sessions",
            rows=_sessions,
            columns=(
                (heading(ConferenceSession, "title"), lambda s: s.title),
                (heading(ConferenceSession, "scheduled_for"), lambda s: s.scheduled_for),
                (heading(ConferenceSession, "location"), lambda s: s.location),
                (heading(ConferenceSession, "chair"), lambda s: s.chair),
                (heading(ConferenceSession, "status"), display("status")),
            ),
        ),
        ListExport(
            name="rulings",
            rows=_Decisions.rows,
            columns=(
                (heading(Ruling, "document_number"), lambda d: d.document_number),
                (_("Kind"), lambda d: d.kind_label),
                (_("Number"), lambda d: d.ticket.hotline_no),
                (heading(Ruling, "scope"), display("scope")),
                (heading(Ruling, "lead"), lambda d: d.lead.name),
                (heading(Ruling, "in_force"), lambda d: d.in_force),
                (heading(Ruling, "issued_at"), lambda d: d.issued_at),
            ),
        ),
        ListExport(
            name="notices",
            rows=_notices,
            columns=(
                (_("Number"), lambda n: n.ticket.hotline_no if n.ticket_id else ""),
                (heading(Notice, "department"), lambda n: n.department.name),
                (heading(Notice, "kind"), display("kind")),
                (heading(Notice, "created_at"), lambda n: n.created_at),
            ),
        ),
    ):
        list_export_register(export)
