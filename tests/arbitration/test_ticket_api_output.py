"""The ticket API's JSON, every field of a list item and of a detail, pinned exactly: a citizen masked and shown, a
ticket with several assignments (one of them ended), a reason translated. The serializers are written for speed
(docs/scale.md, "The API"); this is what they must keep answering."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from arbitration.choices import DutyRole, Role
from arbitration.models import Assignment, Ticket, TicketEvent
from tests import factories
from tests.factories import at

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def tickets(city, dispatcher):
    """PIN0001: received from the platform, dispatched to the housing bureau, then re-dispatched to the urban bureau
    as lead with the housing bureau co-handling (the market bureau, regulator of the sector, is copied); one
    supplement. PIN0002: confidential, the urban bureau's alone. Every clock time fixed afterwards."""
    factories.duty(city["market"], city["stall"], city["city"], role=DutyRole.REGULATOR)
    api = client_for(dispatcher)
    payload = {
        "hotline_no": "PIN0001",
        "received_at": "2026-03-02T09:00:00+08:00",
        "request_type": "complaint",
        "matter": "010101",
        "territory": "370802001001",
        "address": "湖滨路 1 号",
        "title": "占道经营",
        "content": "小区门口每天晚上有摊贩占道经营。",
        "citizen_name": "张三丰",
        "citizen_phone": "13812341234",
    }
    assert api.post("/api/v1/tickets/", payload, format="json").status_code == 201
    for lead, co_handlers in ((city["housing"], []), (city["urban"], [city["housing"].pk])):
        body = {"lead_department_id": lead.pk, "co_handler_ids": co_handlers, "override_reason": "先由住建局核实"}
        assert api.post("/api/v1/tickets/PIN0001/dispatch/", body, format="json").status_code == 201
    first = Ticket.objects.get(hotline_no="PIN0001")
    TicketEvent.objects.create(ticket=first, kind="supplemented", reason="市民补充：每晚七点后。", at=at(2026, 3, 3))
    factories.ticket(city, hotline_no="PIN0002", dispatched_to=city["urban"], received_at=at(2026, 3, 1, 8),
                     confidential=True, citizen_name="李四", citizen_phone="0538-6221234")  # fmt: skip
    # Plain columns, set directly: nothing here reads their history.
    Ticket.objects.update(dispatched_at=at(2026, 3, 2, 10), due_at=at(2026, 3, 9, 17, 30),
                          response_due_at=at(2026, 3, 3, 10), signed_at=at(2026, 3, 2, 10, 5),
                          updated_at=at(2026, 3, 2, 11))  # fmt: skip
    for minute, assignment in enumerate(Assignment.objects.order_by("pk")):
        Assignment.objects.filter(pk=assignment.pk).update(assigned_at=at(2026, 3, 2, 10, minute))
    Assignment.objects.exclude(ended_at=None).update(ended_at=at(2026, 3, 2, 10, 30))
    # A reason stored as a message id and one written from a template: both shown in the reader's language.
    lead = Assignment.objects.get(ticket=first, role="lead", ended_at=None)
    Assignment.objects.filter(pk=lead.pk).update(reason="received from the hotline platform")
    Assignment.objects.filter(ticket=first, role="co_handler").update(reason="bounced: 不属于本部门")


def liaison(city, name: str, department: str):
    return factories.user(name, Role.LIAISON, departments=(city[department],))


def assignment(department: dict, role: str, method: str, minute: int, reason: str, shown: str = "", ended_at=None):
    return {"department": department, "role": role, "method": method,
            "assigned_at": f"2026-03-02T10:{minute:02d}:00+08:00", "assigned_by": "派单员", "reason": reason,
            "reason_display": shown or reason, "ended_at": ended_at}  # fmt: skip


URBAN, HOUSING = {"code": "CGJ", "name": "市城市管理局"}, {"code": "ZJJ", "name": "市住房和城乡建设局"}
MARKET = {"code": "SJJ", "name": "市市场监督管理局"}
COPIED_WHY = (
    "派单目录规定市市场监督管理局为明州市“占道经营”的抄送的行业主管部门。 "
    "属地：柳岸社区 → 湖滨街道 → 东湖区 → 明州市。 依据：市市场监督管理局三定方案"
)
ACTIVE = [
    assignment(URBAN, "lead", "direct", 2, "received from the hotline platform", "接收自热线平台"),
    assignment(HOUSING, "co_handler", "direct", 3, "bounced: 不属于本部门", "退单：不属于本部门"),
    assignment(MARKET, "copied", "dual", 4, COPIED_WHY),
]
ENDED = [
    assignment(
        HOUSING, "lead", "direct", 0, "已派单（未采纳系统建议：先由住建局核实）", ended_at="2026-03-02T10:30:00+08:00"
    ),
    assignment(MARKET, "copied", "dual", 1, COPIED_WHY, ended_at="2026-03-02T10:30:00+08:00"),
]


def ticket_json(hotline_no: str, received_at: str, address: str, citizen: tuple[str, str], confidential: bool) -> dict:
    return {
        "hotline_no": hotline_no, "received_at": received_at, "dispatched_at": "2026-03-02T10:00:00+08:00",
        "channel": "phone", "request_type": "complaint", "matter": {"code": "010101", "name": "占道经营"},
        "territory": {"code": "370802001001", "name": "柳岸社区"}, "address": address, "title": "占道经营",
        "content": "小区门口每天晚上有摊贩占道经营。", "citizen_name": citizen[0], "citizen_phone": citizen[1],
        "confidential": confidential, "clock_started_at": None, "due_at": "2026-03-09T17:30:00+08:00",
        "due_unknown_reason": "", "status": "dispatched", "resolution": "", "satisfaction": "", "result": "",
        "replied_at": None, "closed_at": None, "response_due_at": "2026-03-03T10:00:00+08:00",
        "signed_at": "2026-03-02T10:05:00+08:00", "first_response_at": None, "handled_at": None, "visited_at": None,
        "withdrawn_at": None, "rehandle_count": 0, "reminder_count": 0, "updated_at": "2026-03-02T11:00:00+08:00",
    }  # fmt: skip


def exactly(data) -> bytes:
    """The body DRF's JSON renderer writes for `data`: keys in order, compact, UTF-8."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def test_a_list_item_every_field_the_citizen_shown_to_the_lead_and_masked_when_confidential(tickets, city):
    first = ticket_json("PIN0001", "2026-03-02T09:00:00+08:00", "湖滨路 1 号", ("张三丰", "13812341234"), False)
    second = ticket_json("PIN0002", "2026-03-01T08:00:00+08:00", "", ("李*", "053*****1234"), True)
    received = {**assignment(URBAN, "lead", "direct", 5, "received from the hotline platform", "接收自热线平台"),
                "assigned_by": None}  # fmt: skip
    expected = {"count": 2, "count_is_estimate": False, "next": None, "previous": None,
                "results": [{**first, "assignments": ACTIVE}, {**second, "assignments": [received]}]}  # fmt: skip
    response = client_for(liaison(city, "lead", "urban")).get("/api/v1/tickets/")
    assert response.content == exactly(expected)


def test_a_list_page_reads_of_the_assigners_and_the_catalogue_only_what_it_writes(tickets, city):
    """Their whole rows (an account's password hash and dates, a matter's path…) cost Python to parse and build for
    every assignment and ticket of a page (docs/scale.md, "The API")."""
    with CaptureQueriesContext(connection) as queries:
        response = client_for(liaison(city, "reader", "urban")).get("/api/v1/tickets/")
    assert response.status_code == 200 and len(response.json()["results"]) == 2
    page = [query["sql"] for query in queries.captured_queries if 'FROM "arbitration_ticket"' in query["sql"]
            or 'FROM "arbitration_assignment"' in query["sql"]]  # fmt: skip
    # The matter's join may carry an alias of Django's (T6) when the list reads the assignments' copies.
    assert any('"arbitration_matter"' in sql and '."code"' in sql for sql in page)
    assert any('"full_name"' in sql for sql in page)
    for sql in page:
        for column in ('"password"', '"last_login"', '"date_joined"', '"path"', '"legal_type"', '"kind"'):
            assert column not in sql


@pytest.mark.parametrize(
    ("department", "citizen"), [("urban", ("张三丰", "13812341234")), ("market", ("张**", "138****1234"))]
)
def test_the_detail_every_field_active_assignments_first_the_citizen_masked_for_the_copied(
    tickets, city, department, citizen
):
    expected = {
        **ticket_json("PIN0001", "2026-03-02T09:00:00+08:00", "湖滨路 1 号", citizen, False),
        "time_limit": {"code": "5wd", "name": "5个工作日"},
        "assignments": ACTIVE + ENDED,
        "supplements": [{"at": "2026-03-03T10:00:00+08:00", "text": "市民补充：每晚七点后。"}],
    }
    response = client_for(liaison(city, "reader", department)).get("/api/v1/tickets/PIN0001/")
    assert response.content == exactly(expected)
