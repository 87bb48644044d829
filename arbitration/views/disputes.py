"""Pages: the dispute list and the dispute page (statements, timeline, suggestion, precedents, actions)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arbitration import access, keyset, selectors, selectors_conference
from arbitration.choices import ACTIVE_DISPUTE_STATUSES, PRECEDENT_SOURCES, DisputeStatus, RulingScope, SessionStatus
from arbitration.form_rules import bound
from arbitration.forms import AgendaForm, AgreementForm, SignOffForm, StatementForm
from arbitration.graph import ticket_suggest
from arbitration.models import ConferenceSession, Department, Duty
from arbitration.services.disputes import dispute_agree, dispute_put_on_agenda, dispute_statement_post
from arbitration.services.precedents import default_scope_for
from arbitration.services.rulings import leader_decision_issue
from arbitration.views._actions import act, found

PAGE_SIZE = 50


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    disputes = (
        access.disputes_visible_to(request.user)
        .select_related("ticket", "provisional_handler")
        .prefetch_related("parties")
    )
    status = request.GET.get("status", "active")
    if status == "active":
        disputes = disputes.filter(status__in=ACTIVE_DISPUTE_STATUSES)
    elif status in DisputeStatus.values:
        disputes = disputes.filter(status=status)
    return render(
        request,
        "arbitration/disputes/list.html",
        {
            "page": keyset.page_for(request, disputes, PAGE_SIZE),  # newest first: the model's (-opened_at, -pk)
            "status": status,
            "statuses": DisputeStatus.choices,
        },
    )


def _precedents(ticket) -> list[Duty]:
    """Precedents in force for this ticket's matter (the rulings, leader decisions and agreements the graph applies)."""
    return list(
        Duty.objects.current()
        .filter(source__in=PRECEDENT_SOURCES, matter_id=ticket.matter_id)
        .select_related("department", "territory")
        .order_by("-valid_from")[:20]
    )


@login_required
def dispute_detail(request: HttpRequest, dispute_id: int) -> HttpResponse:
    user = request.user
    dispute = found(lambda: access.dispute_get_for(user=user, dispute_id=dispute_id))
    ticket = dispute.ticket
    parties = list(dispute.parties.all())
    return render(
        request,
        "arbitration/disputes/detail.html",
        {
            "dispute": dispute,
            "ticket": ticket,
            "parties": parties,
            "statements": dispute.statements.select_related("department", "author"),
            "transitions": dispute.transitions.select_related("actor"),
            "timeline": selectors.ticket_timeline(ticket),
            "suggestion": ticket_suggest(ticket),
            "precedents": _precedents(ticket),
            "my_parties": [p for p in parties if p.pk in user.department_ids],
            "may_dispatch": access.may_dispatch(user),
            "may_sign_off": access.may_sign_off(user),
            "departments": Department.objects.filter(is_active=True).order_by("code"),
            "sessions": ConferenceSession.objects.filter(status=SessionStatus.SCHEDULED).order_by("scheduled_for"),
            "scopes": RulingScope.choices,
            "default_scope": default_scope_for(ticket),
            "rulings": dispute.rulings.all(),
            "decisions": dispute.leaderdecisions.all(),
            "agreements": dispute.agreements.all(),
            "item": getattr(dispute, "agenda_item", None),
        },
    )


@login_required
@require_POST
def dispute_action(request: HttpRequest, dispute_id: int, action: str) -> HttpResponse:
    user = request.user
    found(lambda: access.dispute_get_for(user=user, dispute_id=dispute_id))
    back = reverse("dispute-detail", args=[dispute_id])
    if action == "statement":
        data = bound(request, StatementForm)
        department = Department.objects.filter(pk=data["department_id"]).first()
        if department is None:
            raise Http404
        return act(
            request,
            lambda: (
                access.ensure_acts_for(user, department),
                dispute_statement_post(dispute_id=dispute_id, actor=user, **data),
            ),
            success=_("Statement posted; the dispatcher decides once every party has stated its case."),
            back=back,
        )
    if action == "agreement" and access.may_dispatch(user):
        data = bound(request, AgreementForm)
        return act(
            request,
            lambda: dispute_agree(
                dispute_id=dispute_id, actor=user, **{**data, "scope": data["scope"] or RulingScope.TICKET}
            ),
            success=_("Agreement recorded, its minutes numbered; the ticket was re-dispatched to the agreed lead."),
            back=back,
        )
    if action == "agenda" and access.may_dispatch(user):
        data = bound(request, AgendaForm)
        return act(
            request,
            lambda: dispute_put_on_agenda(
                dispute_id=dispute_id, session_id=data["session_id"], actor=user, scope=data["scope"] or None
            ),
            success=_("Put on the conference agenda; the members vote on it when the session opens."),
            back=back,
        )
    if action == "sign-off" and access.may_sign_off(user):
        data = bound(request, SignOffForm)
        return act(
            request,
            lambda: leader_decision_issue(
                dispute_id=dispute_id, actor=user, **{**data, "scope": data["scope"] or None}
            ),
            success=_("Decision signed; it is final and the ticket was re-dispatched to the lead it names."),
            back=back,
        )
    raise Http404


@login_required
def leader_queue(request: HttpRequest) -> HttpResponse:
    if not access.may_sign_off(request.user):
        raise Http404
    return render(request, "arbitration/disputes/leader_queue.html", {"disputes": selectors_conference.leader_queue()})
