"""Pages: a ruling, leader decision or agreement with its stored PDF and the backlog it took; a bound department's
refusal of a ruling or leader decision."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from arbitration import access, keyset, selectors_conference
from arbitration.documents.views import document_pdf_response
from arbitration.errors import DomainError
from arbitration.form_rules import bound
from arbitration.forms import RefusalForm
from arbitration.models import Agreement, LeaderDecision, Ruling
from arbitration.services.rulings import leader_decision_refuse, ruling_refuse
from arbitration.views._actions import act, found

KINDS = {"ruling": Ruling, "decision": LeaderDecision, "agreement": Agreement}
LIST_HEADINGS = {
    "ruling": gettext_lazy("Rulings"),
    "decision": gettext_lazy("Leader decisions"),
    "agreement": gettext_lazy("Agreements"),
}
REFUSABLE = ("ruling", "decision")  # an agreement is the parties' own: there is nothing to refuse
PAGE_SIZE = 50
BACKLOG_ROWS = 200  # a city-wide ruling may move thousands: the page lists the first ones and counts them all


def _get(request, kind: str, pk: int):
    if kind not in KINDS:
        raise Http404
    return found(lambda: access.decision_get_for(user=request.user, model=KINDS[kind], pk=pk))


@login_required
def decision_list(request: HttpRequest) -> HttpResponse:
    """The three kinds, newest first (the model's (-issued_at, -pk)), each its own list with its own cursor."""
    visible = access.disputes_visible_to(request.user).values("pk")

    def page(kind: str) -> keyset.KeysetPage:
        decisions = KINDS[kind].objects.filter(dispute__in=visible).select_related("ticket", "lead")
        return keyset.page_for(request, decisions, PAGE_SIZE, param=f"{kind}s_cursor")

    lists = [(kind, heading, page(kind)) for kind, heading in LIST_HEADINGS.items()]
    return render(request, "arbitration/rulings/list.html", {"lists": lists})


@login_required
def decision_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    decision = _get(request, kind, pk)
    bound = {decision.lead_id, *decision.co_handlers.values_list("pk", flat=True)}
    moved = selectors_conference.decision_backlog_moved(decision.document_number)
    return render(
        request,
        "arbitration/rulings/detail.html",
        {
            "decision": decision,
            "kind": kind,
            "co_handlers": decision.co_handler_names,
            "tally": decision.data.get("tally"),
            "refusals": decision.refusals.select_related("department") if kind in REFUSABLE else [],
            "my_bound": [d for d in request.user.departments.all() if d.pk in bound] if kind in REFUSABLE else [],
            "backlog": moved[:BACKLOG_ROWS],
            "backlog_count": moved.count(),
        },
    )


@login_required
def decision_pdf(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    decision = _get(request, kind, pk)
    try:
        return document_pdf_response(decision)
    except DomainError as refusal:
        raise Http404(str(refusal)) from None


@login_required
@require_POST
def decision_refuse(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in REFUSABLE:
        raise Http404
    decision = _get(request, kind, pk)
    service = ruling_refuse if kind == "ruling" else leader_decision_refuse
    key = "ruling_id" if kind == "ruling" else "decision_id"
    data = bound(request, RefusalForm)
    success = (
        _("Your refusal was recorded; the dispute goes to a city leader for sign-off.")
        if kind == "ruling"
        else _("Your refusal was recorded; supervision takes it up.")
    )
    return act(
        request,
        lambda: service(**{key: decision.pk}, actor=request.user, **data),
        success=success,
        back=reverse("decision-detail", args=[kind, pk]),
    )
