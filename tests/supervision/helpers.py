"""Hand-built situations for supervision tests: tickets past or near their limit, repeats, bounces."""

from __future__ import annotations

import itertools

from django.test import Client

from arbitration.choices import AssignmentMethod, AssignmentRole, BounceOutcome, Satisfaction, TicketStatus
from arbitration.models import Assignment, Bounce, BounceReason, Ticket
from supervision.models import CaseAnswer, CaseEvent, DisciplineReferral, LetterDraft, Reminder, SupervisionCase
from tests import factories
from tests.factories import at

_phones = itertools.count(13900000001)


def distinct_phone() -> str:
    return str(next(_phones))


def dispatched_ticket(city, *, department=None, received=None, **fields) -> Ticket:
    """A ticket dispatched at `received` (default Monday 2026-03-02 09:00, so due 2026-03-09 17:30)."""
    fields.setdefault("citizen_phone", distinct_phone())
    return factories.ticket(
        city, dispatched_to=department or city["urban"], received_at=received or at(2026, 3, 2, 9), **fields
    )


def rehandled_and_unsatisfied(city) -> Ticket:
    """Replied, sent back for re-handling (重办), replied again and rated unsatisfied."""
    ticket = dispatched_ticket(city)
    for status, satisfaction in (
        (TicketStatus.REPLIED, Satisfaction.DISSATISFIED),
        (TicketStatus.HANDLING, ""),
        (TicketStatus.REPLIED, Satisfaction.DISSATISFIED),
    ):
        factories.ticket(
            city,
            hotline_no=ticket.hotline_no,
            dispatched_to=city["urban"],
            received_at=ticket.received_at,
            citizen_phone=ticket.citizen_phone,
            status=status,
            satisfaction=satisfaction,
            replied_at=at(2026, 3, 5),
        )
    return Ticket.objects.get(pk=ticket.pk)


def rejected_bounce(ticket: Ticket, department, reviewer, *, reviewed_at) -> Bounce:
    """One bounce by `department`, rejected on review as unreasonable (无理退单)."""
    assignment = Assignment.objects.create(
        ticket=ticket,
        department=department,
        role=AssignmentRole.CO_HANDLER,
        method=AssignmentMethod.DIRECT,
        assigned_at=reviewed_at,
    )
    reason = BounceReason.objects.first() or BounceReason.objects.create(code="not-ours", name="非本单位职责")
    return Bounce.objects.create(
        ticket=ticket,
        assignment=assignment,
        department=department,
        reason=reason,
        explanation="不属于我单位职责",
        basis="三定方案",
        created_at=reviewed_at,
        created_by=reviewer,
        outcome=BounceOutcome.REJECTED,
        reviewed_by=reviewer,
        reviewed_at=reviewed_at,
        review_note="理由不成立",
    )


def supervision_rows() -> dict[str, int]:
    """How many rows of each supervision record exist (idempotence checks compare these)."""
    models = (
        SupervisionCase,
        SupervisionCase.history.model,
        CaseEvent,
        CaseAnswer,
        Reminder,
        LetterDraft,
        DisciplineReferral,
    )
    return {model.__name__: model.objects.count() for model in models}


# --- tickets as the hotline platform sends them ---------------------------------------------------------------
TICKETS_URL = "/api/v1/tickets/"


def client_for(user) -> Client:
    """A browser-like client logged in as `user` (pages)."""
    client = Client()
    client.force_login(user)
    return client


def platform(user):
    """An API client logged in as `user` (a dispatcher: the role the platform's account holds)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(user)
    return client


def ticket_payload(number: str, *, day: int, hour: int = 9, **changes) -> dict:
    """One ticket of March 2026 as the platform posts it: 占道经营 at 柳岸社区, dispatched to the urban bureau."""
    moment = f"2026-03-{day:02d}T{hour:02d}:00:00+08:00"
    data = {
        "hotline_no": number,
        "received_at": moment,
        "dispatched_at": moment,
        "dispatched_to": "CGJ",
        "request_type": "complaint",
        "matter": "010101",
        "territory": "370802001001",
        "title": "占道经营",
        "content": "小区门口每天晚上有摊贩占道经营。",
        "citizen_name": "王五",
        "citizen_phone": distinct_phone(),
    }
    data.update(changes)
    return data


def post_ticket(client, number: str, *, day: int, hour: int = 9, **changes) -> Ticket:
    """POST /api/v1/tickets/ (a first delivery or an update of the same number); the stored ticket."""
    response = client.post(TICKETS_URL, ticket_payload(number, day=day, hour=hour, **changes), format="json")
    assert response.status_code in (200, 201), response.json()
    return Ticket.objects.get(hotline_no=number)
