"""Drill-down links: every cockpit figure opens the ticket list filtered to exactly the tickets it counts.

The ticket list applies the viewer's own visibility (arbitration.access.tickets_visible_to), so a link never shows
more than the viewer may see. The filters and the counts share their rules (docs/cockpit.md, "Drill-down").
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlencode

from django.urls import reverse

from supervision.cockpit.period import Period


def ticket_list_url(period: Period, *, disputed: bool = False, **filters: object) -> str:
    """The ticket list for `period` (by received day, or by the day a dispute opened) and `filters` (ids, codes)."""
    if disputed:
        query = {"disputed_from": period.first.isoformat(), "disputed_to": period.last.isoformat()}
    else:
        query = {"received_from": period.first.isoformat(), "received_to": period.last.isoformat()}
    query.update({name: value for name, value in filters.items() if value not in (None, "")})
    return f"{_ticket_list()}?{urlencode(query)}"


@cache
def _ticket_list() -> str:
    return reverse("ticket-list")  # the heat map builds hundreds of links: resolve the path once per process
