"""Ticket pages: the filtered list (and its CSV export) and the detail with assignments and the history timeline."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from arbitration import access, keyset, selectors
from arbitration.choices import Role
from arbitration.errors import NotFound
from arbitration.forms import TicketFilterForm
from arbitration.views.exports import ticket_csv_response

PAGE_SIZE = 50

# Panels other features put beside the ticket's facts (the graph's suggested owner first). A panel
# whose template does not exist yet is skipped, so the page never depends on a feature being installed.
TICKET_SIDE_PANELS: list[str] = ["arbitration/graph/_suggestion.html"]
# Actions on the ticket (dispatch, bounce, …): features append their templates here; each gets `ticket`.
TICKET_ACTION_PANELS: list[str] = []


def existing_templates(names: list[str]) -> list[str]:
    found = []
    for name in names:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return found


def _filter_form(request: HttpRequest, *, kept: bool = False) -> TicketFilterForm:
    department_ids = None
    if not request.user.has_role(*access.ALL_TICKET_ROLES):
        department_ids = request.user.department_ids
    return TicketFilterForm(request.GET or None, department_ids=department_ids, kept=kept)


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = _filter_form(request, kept=True)  # the page shows the kept options: they validate its filters too
    tickets = selectors.ticket_list_page(selectors.ticket_list_for(user, form.filters()))
    page = keyset.page_for(request, tickets, PAGE_SIZE, ordering=selectors.LIST_ORDER)
    catalogue = form.catalogue  # the filters' options: their names label the table's matters and territories too
    selectors.ticket_place_names(page.rows, catalogue.matter_tree.name, catalogue.territory_tree.name)
    return render(
        request,
        "arbitration/ticket_list.html",
        {
            "form": form,
            "page": page,
            "handlers": selectors.ticket_handlers(page.rows),
            "may_export": access.may_list_tickets(user),
        },
    )


@login_required
def ticket_export(request: HttpRequest) -> HttpResponse:
    """The list under the same filters as a CSV file; citizens masked by the same rule as everywhere."""
    if not access.may_list_tickets(request.user):
        raise Http404
    tickets = selectors.ticket_list_for(request.user, _filter_form(request).filters())
    return ticket_csv_response(access.with_personal_data_visible(tickets, request.user).order_by(*selectors.LIST_ORDER))


@login_required
def ticket_detail(request: HttpRequest, hotline_no: str) -> HttpResponse:
    try:
        ticket = access.ticket_get_for(user=request.user, hotline_no=hotline_no)
    except NotFound as missing:  # forbidden answers exactly like missing
        raise Http404(str(missing)) from missing
    may_see = access.may_see_personal_data(request.user, ticket)
    events = selectors.ticket_events(ticket)  # read once for the timeline, platform events and supplements
    return render(
        request,
        "arbitration/ticket_detail.html",
        {
            "ticket": ticket,
            "citizen": selectors.personal_data_shown(ticket, visible=may_see),
            "personal_data_visible": may_see,
            "assignments": selectors.ticket_assignments(ticket),
            "timeline": selectors.ticket_timeline(ticket, personal_data_visible=may_see, events=events),
            "platform_events": selectors.ticket_platform_event_rows(events),
            "supplements": selectors.ticket_supplements(ticket, events=events),
            "urgency": selectors.ticket_urgency(ticket),
            "side_panels": existing_templates(TICKET_SIDE_PANELS),
            "action_panels": existing_templates(TICKET_ACTION_PANELS),
            "may_dispatch": access.may_dispatch(request.user),
            "is_liaison": request.user.has_role(Role.LIAISON),
        },
    )
