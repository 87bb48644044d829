"""The API's ticket list writes its items from plain rows (`.values()` and one query of assignments) with the plan the
serializer makes for rows (arbitration.api.output.RowPlan). Here that is compared with the serializer writing the same
tickets read as models, byte for byte, for tickets of every shape, every kind of reader, both languages and two time
zones; and the list is shown to build no ticket, assignment or catalogue model at all (docs/scale.md, "The API")."""

from __future__ import annotations

import json

import pytest
from django.db.models.signals import post_init
from django.utils import timezone, translation
from rest_framework.test import APIClient

from arbitration import access, selectors
from arbitration.api.tickets import LIST_COLUMNS, AssignmentSerializer, TicketListItemSerializer, list_items
from arbitration.choices import DutyRole, Role
from arbitration.models import Assignment, Department, Matter, Territory, Ticket, User
from tests import factories
from tests.factories import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def shapes(city, dispatcher):
    """S1: re-dispatched (two active assignments by the dispatcher, a copied regulator, two ended ones), a reason
    stored as a message id. S2: confidential. S3: never dispatched, its due time unknown, no citizen data. S4: the
    lead assigned by an account without a full name, another active one by nobody, a phone too short to mask."""
    factories.duty(city["market"], city["stall"], city["city"], role=DutyRole.REGULATOR)
    api = APIClient()
    api.force_login(dispatcher)
    first = factories.ticket(city, hotline_no="S1", dispatched_to=city["housing"], received_at=at(2026, 3, 2, 9))
    body = {"lead_department_id": city["urban"].pk, "co_handler_ids": [city["housing"].pk], "override_reason": "核实"}
    assert api.post("/api/v1/tickets/S1/dispatch/", body, format="json").status_code == 201
    Assignment.objects.filter(ticket=first, role="lead", ended_at=None).update(
        reason="received from the hotline platform"
    )
    factories.ticket(city, hotline_no="S2", dispatched_to=city["urban"], received_at=at(2026, 3, 1, 8),
                     confidential=True, citizen_name="李四", citizen_phone="0538-6221234")  # fmt: skip
    factories.ticket(city, hotline_no="S3", received_at=at(2026, 2, 28, 23, 59), citizen_name="", citizen_phone="")
    Ticket.objects.filter(hotline_no="S3").update(due_at=None, due_unknown_reason="2027 年的工作日历尚未导入")
    fourth = factories.ticket(city, hotline_no="S4", dispatched_to=city["urban"], received_at=at(2026, 2, 27, 7),
                              citizen_name="王", citizen_phone="110")  # fmt: skip
    nameless = factories.user("nameless", Role.DISPATCHER, full_name="")
    Assignment.objects.filter(ticket=fourth).update(assigned_by=nameless)
    Assignment.objects.create(ticket=fourth, department=city["market"], role="copied", method="dual", reason="",
                              ticket_received_at=fourth.received_at, ticket_status=fourth.status,
                              ticket_due_at=fourth.due_at)  # fmt: skip
    # Same assigned_at for two of S4's assignments: their order is the id's, as the model path orders them.
    Assignment.objects.filter(ticket=fourth).update(assigned_at=at(2026, 2, 27, 8))
    Ticket.objects.update(updated_at=at(2026, 3, 2, 11))


def listed(user):
    tickets = selectors.ticket_list_for(user, selectors.TicketFilters())
    return access.with_personal_data_visible(tickets, user).order_by(*selectors.LIST_ORDER)


def as_models(user) -> bytes:
    return json.dumps(TicketListItemSerializer(listed(user), many=True).data, ensure_ascii=False).encode()


def as_rows(user) -> bytes:
    rows = list(selectors.ticket_list_rows(listed(user), LIST_COLUMNS))
    return json.dumps(list_items(rows), ensure_ascii=False).encode()


@pytest.mark.parametrize("reader", ["dispatcher", "supervisor", "urban", "market"])
def test_the_rows_write_what_the_models_write(shapes, city, request, reader):
    if reader in ("urban", "market"):
        user = factories.user(f"liaison_{reader}", Role.LIAISON, departments=(city[reader],))
    else:
        user = request.getfixturevalue(reader)
    for language in ("zh-hans", "en"):
        for zone in ("Asia/Shanghai", "UTC"):
            with translation.override(language), timezone.override(zone):
                models, rows = as_models(user), as_rows(user)
            assert rows == models, (language, zone)
    assert json.loads(rows)  # every reader sees some of them


def test_the_shapes_are_there(shapes, city, dispatcher):
    """The comparison above sees what it should: several active assignments, a translated reason, an unknown due
    time, an assigner shown by username, an assignment by nobody, masked and shown citizens."""
    urban = factories.user("liaison_u", Role.LIAISON, departments=(city["urban"],))
    with translation.override("en"):
        items = {item["hotline_no"]: item for item in json.loads(as_rows(urban))}
    assert [(a["department"]["code"], a["role"]) for a in items["S1"]["assignments"]] == [
        ("CGJ", "lead"), ("ZJJ", "co_handler"), ("SJJ", "copied")
    ]  # fmt: skip
    assert items["S1"]["assignments"][0]["reason_display"] == "received from the hotline platform"
    assert items["S1"]["citizen_name"] == "张三" and items["S2"]["citizen_name"] == "李*"
    assert [a["assigned_by"] for a in items["S4"]["assignments"]] == ["nameless", None]
    assert items["S4"]["citizen_phone"] == "110"
    with translation.override("zh-hans"):
        items = {item["hotline_no"]: item for item in json.loads(as_rows(dispatcher))}
    assert items["S1"]["assignments"][0]["reason_display"] == "接收自热线平台"
    assert items["S3"]["due_at"] is None and items["S3"]["due_unknown_reason"].startswith("2027")
    assert items["S3"]["assignments"] == []


def test_the_list_builds_no_model_of_its_tickets_their_assignments_or_the_catalogue(shapes, dispatcher):
    built = []

    def count(sender, **kwargs):
        built.append(sender)

    kinds = (Ticket, Assignment, Matter, Territory, Department, User)
    api = APIClient()
    api.force_login(dispatcher)
    api.get("/api/v1/tickets/")  # warm
    for kind in kinds:
        post_init.connect(count, sender=kind)
    try:
        response = api.get("/api/v1/tickets/")
    finally:
        for kind in kinds:
            post_init.disconnect(count, sender=kind)
    assert len(response.json()["results"]) == 4
    assert [kind for kind in built if kind is not User] == []
    assert built.count(User) <= 1  # the signed-in account (the session's)


def test_a_row_without_its_related_object_writes_none_as_the_model_path_does():
    """No ticket lacks its matter or territory (both required), but an assignment's assigner may be missing, and a
    row plan writes a nested object as None wherever the row's key of the relation is None."""
    row = {"department": None, "department__code": None, "department__name": None, "role": "lead",
           "method": "direct", "assigned_at": None, "assigned_by": None, "reason": "", "ended_at": None}  # fmt: skip
    written = AssignmentSerializer.row_plan().write(row, None)
    assert written == {"department": None, "role": "lead", "method": "direct", "assigned_at": None,
                       "assigned_by": None, "reason": "", "reason_display": "", "ended_at": None}  # fmt: skip
