"""`{% ticket_rows tickets as rows %}`: the rows of arbitration/_ticket_table.html, each cell's text prepared in one
pass (docs/scale.md, "Rendering").

A list shows 50 tickets; written with a `{% url %}`, three `get_…_display` calls, two `|date` filters and an
`{% include %}` for each, the rows cost a third of the page's time. Here the labels come from dicts built once per
call (in the request's language), the detail link from one reversed URL, and the dates are formatted as
`|date:"Y-m-d H:i"` formats them. Each row is a dict: the template engine looks dict keys up first.
"""

from __future__ import annotations

from urllib.parse import quote

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS

from arbitration.models import Assignment, Ticket

register = template.Library()

PLACEHOLDER = "HOTLINE-NO"
URL_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what `reverse` leaves unquoted in an argument


def labels(model, name: str) -> dict:
    """A field's choice labels in the active language: what `get_<name>_display` shows."""
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


def minute(moment, zone) -> str:
    """`{{ moment|date:"Y-m-d H:i" }}`: an aware time in `zone` (the current time zone, looked up once per call by
    the caller: the lookup costs more than the formatting), empty for no value."""
    if moment is None or moment == "":
        return ""
    if settings.USE_TZ and timezone.is_aware(moment):
        moment = moment.astimezone(zone)
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} {moment.hour:02d}:{moment.minute:02d}"


@register.simple_tag
def ticket_rows(tickets) -> list[dict]:
    """Each ticket's cells: tickets with their matter and territory joined and `active_assignments` prefetched (as
    selectors.ticket_list gives them); `urgency` is read when annotated."""
    before, after = reverse("ticket-detail", args=[PLACEHOLDER]).rsplit(PLACEHOLDER, 1)
    request_types, statuses = labels(Ticket, "request_type"), labels(Ticket, "status")
    roles = labels(Assignment, "role")
    zone = timezone.get_current_timezone()
    rows = []
    for ticket in tickets:
        matter, territory = ticket.matter, ticket.territory
        rows.append(
            {
                "hotline_no": ticket.hotline_no,
                "url": f"{before}{quote(ticket.hotline_no, safe=URL_SAFE)}{after}",
                "title": ticket.title,
                "request_type": request_types.get(ticket.request_type, ticket.request_type),
                "matter": matter.name if matter is not None else "",
                "territory": territory.name if territory is not None else "",
                "handlers": [
                    {
                        "minor": assignment.role != "lead",
                        "role": roles.get(assignment.role, assignment.role),
                        "name": assignment.department.name,
                    }
                    for assignment in getattr(ticket, "active_assignments", ())
                ],
                "status": ticket.status,
                "status_label": statuses.get(ticket.status, ticket.status),
                "received_at": minute(ticket.received_at, zone),
                "due_at": minute(ticket.due_at, zone),
                "due_unknown_reason": ticket.due_unknown_reason,
                "urgency": getattr(ticket, "urgency", ""),
            }
        )
    return rows
