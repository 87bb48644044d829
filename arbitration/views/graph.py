"""Pages of the jurisdiction graph: dispatch from the ticket page, catalogue analysis (with CSV), the graph view."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from arbitration import access, keyset
from arbitration.choices import AssignmentMethod
from arbitration.errors import DomainError, NotFound
from arbitration.form_rules import bound
from arbitration.graph import current_graph, cycles, lead_moves_load
from arbitration.graph.neighbourhood import department_neighbourhood, matter_neighbourhood
from arbitration.graph.report import TABLES, report_csv
from arbitration.models import Department, Matter, Ticket
from arbitration.services.dispatch import DISPATCHER_METHOD_CHOICES, ticket_dispatch, ticket_dispatch_second
from arbitration.validation import int_param

PAGE_SIZE = 100


class DispatchForm(forms.Form):
    lead_department = forms.ModelChoiceField(Department.objects.filter(is_active=True), label=gettext_lazy("Lead"))
    co_handlers = forms.ModelMultipleChoiceField(
        Department.objects.filter(is_active=True), required=False, label=gettext_lazy("Co-handlers")
    )
    method = forms.ChoiceField(
        choices=DISPATCHER_METHOD_CHOICES,
        initial=AssignmentMethod.DIRECT,
        required=False,
        label=gettext_lazy("Dispatch method"),
    )
    reason = forms.CharField(required=False, label=gettext_lazy("Reason"))
    override_reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Why not the suggestion")
    )


@login_required
@require_POST
def ticket_dispatch_view(request: HttpRequest, hotline_no: str, second: bool = False) -> HttpResponse:
    """Dispatch, re-dispatch, or (`second`) the second dispatch of an unsatisfied ticket: one form, one service each."""
    try:
        ticket = access.ticket_get_for(user=request.user, hotline_no=hotline_no)
    except NotFound as missing:
        raise Http404(str(missing)) from missing
    data = bound(request, DispatchForm)
    service = ticket_dispatch_second if second else ticket_dispatch
    try:
        result = service(
            ticket_id=ticket.pk,
            lead_department_id=data["lead_department"].pk,
            co_handler_ids=[d.pk for d in data["co_handlers"]],
            actor=request.user,
            reason=data["reason"],
            override_reason=data["override_reason"],
            method=data["method"] or AssignmentMethod.DIRECT,
        )
    except DomainError as refused:
        messages.error(request, str(refused))
    else:
        done = (
            _("Round {round} dispatched to {department}; it now handles the ticket again.")
            if second
            else _("Dispatched to {department}; it handles the ticket, or bounces it within the bounce window.")
        )
        messages.success(
            request, done.format(department=result.lead.department.name, round=result.ticket.dispatch_round)
        )
    return redirect("ticket-detail", hotline_no=hotline_no)


def _analyst(request: HttpRequest) -> None:
    if not access.may_analyse_catalogue(request.user):
        raise Http404(_("Not found."))


TITLES = {
    "gaps": gettext_lazy("Catalogue gaps"),
    "overlaps": gettext_lazy("Catalogue overlaps"),
    "hotspots": gettext_lazy("Dispute hot spots"),
}
EXPLANATIONS = {
    "gaps": gettext_lazy(
        "Matter × territory pairs for which neither the catalogue nor a precedent names a lead. "
        "Tickets there go to the territorial government as a fallback (兜底). Rows with “Settled by” are gaps of "
        "the catalogue that a ruling, leader decision or agreement now settles."
    ),
    "overlaps": gettext_lazy(
        "Two or more catalogue leads for the same matter in the same territory: the suggestion "
        "cannot choose between them, unless a precedent settles the tie (“Settled by”)."
    ),
    "hotspots": gettext_lazy(
        "Department pairs between which tickets move most as lead, and how many of those moves followed a bounce."
    ),
}


@login_required
def catalogue_report_view(request: HttpRequest, kind: str) -> HttpResponse:
    _analyst(request)
    if kind not in TABLES:
        raise Http404(_("Not found."))
    graph, now = current_graph(), timezone.now()
    if request.GET.get("format") == "csv":
        # A BOM so that spreadsheet programs read the Chinese text as UTF-8.
        response = HttpResponse("\ufeff" + report_csv(kind, graph, now), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="catalogue-{kind}-{now:%Y%m%d}.csv"'
        return response
    headers, rows = TABLES[kind](graph, now)
    context = {
        "kind": kind,
        "title": TITLES[kind],
        "explanation": EXPLANATIONS[kind],
        "headers": headers,
        "page": keyset.page_for(request, rows, PAGE_SIZE),
        "count": len(rows),
        "kinds": [(k, TITLES[k]) for k in TABLES],
    }
    if kind == "hotspots":
        context["cycles"] = found_cycles = cycles(graph, lead_moves_load())[:PAGE_SIZE]
        # A ticket links to its page only for a reader who may open it (the page's own rule).
        numbers = [cycle.hotline_no for cycle in found_cycles]
        context["openable"] = set(
            access.tickets_visible_to(request.user, Ticket.objects.filter(hotline_no__in=numbers)).values_list(
                "hotline_no", flat=True
            )
        )
    return render(request, "arbitration/graph/report.html", context)


@login_required
def graph_view(request: HttpRequest) -> HttpResponse:
    _analyst(request)
    return render(
        request,
        "arbitration/graph/view.html",
        {
            "departments": Department.objects.order_by("code").only("pk", "code", "name"),
            "matters": Matter.objects.order_by("code").only("pk", "code", "name", "level"),
            "department_id": request.GET.get("department", ""),
            "matter_id": request.GET.get("matter", ""),
        },
    )


@login_required
def graph_neighbourhood(request: HttpRequest) -> JsonResponse:
    _analyst(request)
    graph, now = current_graph(), timezone.now()
    try:
        if request.GET.get("department"):
            department_id = int_param("department", request.GET["department"])
            data = department_neighbourhood(
                graph, department_id, at=now, moves=lead_moves_load(department_id=department_id)
            )
        elif request.GET.get("matter"):
            data = matter_neighbourhood(graph, int_param("matter", request.GET["matter"]), at=now)
        else:
            data = {"elements": [], "truncated": False}
    except ValueError as bad:
        raise Http404(_("Not found.")) from bad
    return JsonResponse(data)
