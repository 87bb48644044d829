"""`{% ticket_table tickets %}`: the ticket list's table (docs/scale.md, "Rendering"), written in Python in one pass.

A list shows 50 tickets. Through the template engine each row cost some twenty variable and `{% if %}` nodes, with
a context lookup, a localisation check and an escape call each: half of the page's time. Here each row is one
f-string: the labels come from dicts built once per call (in the request's language), the detail link from one
reversed URL, the dates formatted as `|date:"Y-m-d H:i"` formats them, and every value from the database is
escaped as the template escaped it. The markup, whitespace included, is byte for byte what the template wrote
(tests/arbitration/test_ticket_list_rendering.py pins it).
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from arbitration.models import Assignment, Ticket

register = template.Library()

PLACEHOLDER = "HOTLINE-NO"
URL_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what `reverse` leaves unquoted in an argument
NO_ONE = '<span class="muted">—</span>'


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
def ticket_table(tickets, handlers: dict[int, list[tuple[str, str]]]) -> SafeString:
    """The table of `tickets`, the page's rows as selectors.ticket_list_page reads them (dicts of the displayed
    columns and `urgency`, with the names of the matter and territory added by selectors.ticket_place_names), and who
    handles each: `handlers` maps a ticket's id to the (role, department name) of its active assignments
    (selectors.ticket_handlers).

    Our own translations are written as `{% translate %}` wrote them (unescaped); everything else is escaped. The
    cells that repeat across rows (a type, a status, a department with its role) are written once per call."""
    before, after = reverse("ticket-detail", args=[PLACEHOLDER]).rsplit(PLACEHOLDER, 1)
    request_types, statuses = labels(Ticket, "request_type"), labels(Ticket, "status")
    roles = labels(Assignment, "role")
    unknown = gettext("unknown")
    badges = {
        "": "",
        "overdue": f'<span class="badge red">{gettext("Overdue")}</span>',
        "due_soon": f'<span class="badge yellow">{gettext("Due soon")}</span>',
    }
    zone = timezone.get_current_timezone()
    type_cells: dict[str, str] = {}
    status_cells: dict[str, str] = {}
    departments: dict[tuple[str, str], str] = {}
    rows = []
    for ticket in tickets:
        hotline_no, urgency = ticket["hotline_no"], ticket["urgency"] or ""
        request_type, status = ticket["request_type"], ticket["status"]
        type_cell = type_cells.get(request_type)
        if type_cell is None:
            type_cell = type_cells[request_type] = escape(request_types.get(request_type, request_type))
        status_cell = status_cells.get(status)
        if status_cell is None:
            status_cell = status_cells[status] = (
                f'<span class="status status-{escape(status)}">{escape(statuses.get(status, status))}</span>'
            )
        handled = []
        for handler in handlers.get(ticket["id"], ()):
            span = departments.get(handler)
            if span is None:
                role, name = handler
                span = departments[handler] = (
                    f'<span class="dept{"" if role == "lead" else " minor"}" '
                    f'title="{escape(roles.get(role, role))}">{escape(name)}</span>'
                )
            handled.append(span)
        due = minute(ticket["due_at"], zone)
        if due:
            due_cell = due
        elif ticket["due_unknown_reason"]:
            due_cell = f'<span class="muted" title="{escape(ticket["due_unknown_reason"])}">{unknown}</span>'
        else:
            due_cell = NO_ONE
        url = escape(f"{before}{quote(hotline_no, safe=URL_SAFE)}{after}")
        matter, territory = ticket["matter__name"], ticket["territory__name"]
        number = escape(hotline_no)
        rows.append(
            f'\n  <tr class="ticket-row{f" {escape(urgency)}" if urgency else ""}" data-hotline-no="{number}">\n'
            f'    <td class="nowrap"><a href="{url}">{number}</a></td>\n'
            f'    <td class="title-cell">{escape(ticket["title"])}</td>\n'
            f'    <td class="nowrap">{type_cell}</td>\n'
            f"    <td>{escape(matter) if matter is not None else ''}</td>\n"
            f"    <td>{escape(territory) if territory is not None else ''}</td>\n"
            f"    <td>{'<br>'.join(handled) or NO_ONE}</td>\n"
            f'    <td class="nowrap">{status_cell}</td>\n'
            f'    <td class="nowrap">{minute(ticket["received_at"], zone)}</td>\n'
            f'    <td class="nowrap">{due_cell}\n'
            f"      {badges.get(urgency, '')}</td>\n"
            "  </tr>\n  "
        )
    head = (
        f"<th>{gettext('Number')}</th><th>{gettext('Title')}</th><th>{gettext('Type')}</th>\n"
        f"    <th>{gettext('Matter')}</th><th>{gettext('Territory')}</th><th>{gettext('Handled by')}</th>\n"
        f"    <th>{gettext('Status')}</th><th>{gettext('Received at')}</th><th>{gettext('Due')}</th>"
    )
    # Every value from the database is escaped above; the labels of our own choices are escaped too.
    return mark_safe(
        f'\n<table class="tickets">\n  <thead><tr>\n    {head}\n  </tr></thead>\n  <tbody>\n  {"".join(rows)}\n'
        "  </tbody>\n</table>\n"
    )
