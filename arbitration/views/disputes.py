"""Pages: the dispute list and the dispute page (statements, timeline, suggestion, precedents, actions)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arbitration import access, selectors, selectors_conference
from arbitration.choices import ACTIVE_DISPUTE_STATUSES, PRECEDENT_SOURCES, DisputeStatus, RulingScope, SessionStatus
from arbitration.graph import ticket_suggest
from arbitration.models import ConferenceSession, Department, Duty
from arbitration.services.disputes import dispute_agree, dispute_put_on_agenda, dispute_statement_post
from arbitration.services.precedents import default_scope_for
from arbitration.services.rulings import leader_decision_issue
from arbitration.views._actions import act, found, ids, optional_id


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
            "disputes": disputes[:200],
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
    user, post = request.user, request.POST
    found(lambda: access.dispute_get_for(user=user, dispute_id=dispute_id))
    back = reverse("dispute-detail", args=[dispute_id])
    lead, co = optional_id(post.get("lead_department_id")) or 0, ids(post.getlist("co_handler_ids"))
    if action == "statement":
        department = Department.objects.filter(pk=optional_id(post.get("department_id")) or 0).first()
        if department is None:
            raise Http404
        return act(
            request,
            lambda: (
                access.ensure_acts_for(user, department),
                dispute_statement_post(
                    dispute_id=dispute_id,
                    actor=user,
                    department_id=department.pk,
                    text=post.get("text", ""),
                    basis=post.get("basis", ""),
                ),
            ),
            success=_("Statement posted."),
            back=back,
        )
    if action == "agreement" and access.may_dispatch(user):
        return act(
            request,
            lambda: dispute_agree(
                dispute_id=dispute_id,
                actor=user,
                lead_department_id=lead,
                co_handler_ids=co,
                minutes=post.get("minutes", ""),
                basis=post.get("basis", ""),
                scope=post.get("scope") or RulingScope.TICKET,
            ),
            success=_("Agreement recorded, its minutes numbered; the ticket was re-dispatched."),
            back=back,
        )
    if action == "agenda" and access.may_dispatch(user):
        return act(
            request,
            lambda: dispute_put_on_agenda(
                dispute_id=dispute_id,
                session_id=optional_id(post.get("session_id")) or 0,
                actor=user,
                scope=post.get("scope") or None,
            ),
            success=_("Put on the conference agenda."),
            back=back,
        )
    if action == "sign-off" and access.may_sign_off(user):
        return act(
            request,
            lambda: leader_decision_issue(
                dispute_id=dispute_id,
                actor=user,
                lead_department_id=lead,
                co_handler_ids=co,
                scope=post.get("scope") or None,
                reasons=post.get("reasons", ""),
                basis=post.get("basis", ""),
            ),
            success=_("Decision signed; the ticket was re-dispatched."),
            back=back,
        )
    raise Http404


@login_required
def leader_queue(request: HttpRequest) -> HttpResponse:
    if not access.may_sign_off(request.user):
        raise Http404
    return render(request, "arbitration/disputes/leader_queue.html", {"disputes": selectors_conference.leader_queue()})
