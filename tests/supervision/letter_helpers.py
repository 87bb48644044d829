"""Shared by the letter tests: tickets as the hotline platform sends them, an overdue case, PDF text."""

from __future__ import annotations

import re

from pypdf import PdfReader

from arbitration.models import Ticket
from supervision.choices import Trigger
from supervision.models import SupervisionCase, SupervisionLetter
from supervision.services.sweep import supervision_sweep
from tests.factories import at
from tests.supervision.helpers import client_for

ISSUED = at(2026, 3, 12, 10)  # Thursday; the ticket's limit ran out on Monday 2026-03-09 at 17:30


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(letter: SupervisionLetter) -> str:
    letter.refresh_from_db()
    return squeeze("".join(page.extract_text() for page in PdfReader(letter.pdf.open("rb")).pages))


def platform_ticket(dispatcher, hotline_no: str, *, department: str = "CGJ", title: str = "占道经营") -> Ticket:
    """A ticket as the hotline platform sends it: received and dispatched on Monday 2026-03-02 at 9:00."""
    response = client_for(dispatcher).post(
        "/api/v1/tickets/",
        {
            "hotline_no": hotline_no,
            "received_at": "2026-03-02T09:00:00+08:00",
            "dispatched_to": department,
            "dispatched_at": "2026-03-02T09:00:00+08:00",
            "request_type": "complaint",
            "matter": "010101",
            "territory": "370802001001",
            "title": title,
            "content": "小区门口每天晚上有摊贩占道经营。",
            "citizen_name": "张三",
            "citizen_phone": "13812341234",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return Ticket.objects.get(hotline_no=hotline_no)


def overdue_case_opened(dispatcher) -> SupervisionCase:
    """A ticket from the platform past its limit; the sweep the morning after opens an overdue case on it."""
    ticket = platform_ticket(dispatcher, "SD2026030200001")
    supervision_sweep(now=at(2026, 3, 10, 10))
    return SupervisionCase.objects.get(ticket=ticket, trigger=Trigger.OVERDUE)
