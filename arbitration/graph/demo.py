"""Demo extender (see arbitration/demo/__init__.py): ping-pong re-dispatches for the hot-spot page, and a summary
of the catalogue analysis so `seed_demo` shows where its gaps and overlaps are.

Precedents come from the conference's own demo rulings (a precedent needs a real, numbered ruling behind it);
the graph reads them like any other duty.
"""

from __future__ import annotations

from django.utils import timezone

from arbitration.choices import AssignmentRole, Role
from arbitration.models import Ticket

from .analysis import gaps, overlaps
from .cache import current_graph

PING_PONG_TICKETS = 3  # from the end of the list, so extenders bouncing from its start keep their tickets


def demo_extend(context) -> None:
    """Send a few ping-pong tickets A → B → A between two departments, then report gaps and overlaps."""
    actor = next(iter(context.users_with_role(Role.DISPATCHER)), context.admin)
    moved = 0
    for hotline_no in context.ping_pong[-PING_PONG_TICKETS:]:
        moved += _ping_pong(context, hotline_no, actor)
    graph, now = current_graph(), timezone.now()
    context.stdout.write(
        f"graph: {len(gaps(graph, at=now))} gap rows, {len(overlaps(graph, at=now))} overlaps, "
        f"{moved} tickets sent back and forth (A → B → A)"
    )


def _ping_pong(context, hotline_no: str, actor) -> int:
    from arbitration.services.dispatch import ticket_dispatch

    ticket = Ticket.objects.filter(hotline_no=hotline_no).first()
    lead = ticket and ticket.assignments.filter(role=AssignmentRole.LEAD, ended_at=None).first()
    if lead is None:
        return 0
    others = [
        d
        for d in context.city.departments.values()
        if d.is_active and d.pk != lead.department_id and d.kind == lead.department.kind
    ]
    if not others:
        return 0
    other = context.rng.choice(sorted(others, key=lambda d: d.code))
    reason = "演示：退回后改派"
    for department in (other, lead.department):
        ticket_dispatch(
            ticket_id=ticket.pk,
            lead_department_id=department.pk,
            actor=actor,
            reason=reason,
            override_reason="演示：双方均称非本单位职责",
        )
    return 1
