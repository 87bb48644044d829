"""A ticket reaches the legal desk three ways: a legal-type matter, a dispatcher, a litigation bounce."""

import datetime as dt

import pytest

from arbitration.choices import Role, TicketEventKind
from arbitration.models import BounceReason, Ticket
from arbitration.services.bounces import bounce_create
from arbitration.services.bulk import tickets_bulk_receive
from arbitration.services.tickets import TicketIntake, ticket_receive
from legal.choices import CaseOrigin, CaseStatus
from legal.models import LegalCase
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_ticket_of_a_legal_type_matter_opens_a_case_at_intake(legal_city):
    ticket = factories.ticket(legal_city, matter_id=legal_city["labour_contract"].pk, title="公司拒签劳动合同")
    case = LegalCase.objects.get(ticket=ticket)
    assert (case.origin, case.status) == (CaseOrigin.LEGAL_MATTER, CaseStatus.OPEN)
    assert ticket.events.filter(kind=TicketEventKind.LEGAL_ROUTE, data__step="sent_to_legal_desk").count() == 1


def _desk_records(ticket) -> dict:
    """What reaching the desk wrote for `ticket`, without ids and times."""
    case = LegalCase.objects.get(ticket=ticket)
    return {
        "case": (case.origin, case.origin_note, case.status, case.opened_by_id, case.lawyer_id, case.bounce_id),
        "history": [(h.history_type, h.history_user_id, h.history_change_reason, h.status) for h in case.history.all()],
        "transitions": [(t.from_status, t.to_status, t.actor_id, t.reason) for t in case.transitions.all()],
        "events": [
            (e.actor_id, e.reason, e.data == {"step": "sent_to_legal_desk", "origin": case.origin, "case": case.pk})
            for e in ticket.events.filter(kind=TicketEventKind.LEGAL_ROUTE)
        ],
    }


def test_a_bulk_import_opens_each_case_with_the_records_of_one_ticket_at_a_time(legal_city, dispatcher):
    def intake(number: str, matter) -> TicketIntake:
        fields = {
            "received_at": factories.at(2026, 3, 2, 9), "request_type": "complaint", "matter_id": matter.pk,
            "territory_id": legal_city["community_a1"].pk, "title": "拒签劳动合同", "content": "公司拒签劳动合同",
        }  # fmt: skip
        return TicketIntake(hotline_no=number, fields=fields)

    labour = legal_city["labour_contract"]
    one = ticket_receive(intake=intake("ONE", labour), actor=dispatcher, reason="逐条受理").ticket
    result = tickets_bulk_receive(
        [intake("BULK1", labour), intake("BULK2", legal_city["stall"]), intake("BULK3", labour)],
        actor=dispatcher,
        reason="批量导入",
    )
    assert result.created == 3
    expected = _desk_records(one)
    assert expected["case"][3] == dispatcher.pk and len(expected["events"]) == 1
    for number in ("BULK1", "BULK3"):
        assert _desk_records(Ticket.objects.get(hotline_no=number)) == expected
    assert not LegalCase.objects.filter(ticket__hotline_no="BULK2").exists()


def test_an_ordinary_ticket_does_not_reach_the_desk(legal_city):
    ticket = factories.ticket(legal_city)
    assert not LegalCase.objects.filter(ticket=ticket).exists()


def test_a_dispatcher_sends_a_ticket_to_the_desk_once(legal_city, dispatcher, api):
    ticket = factories.ticket(legal_city)
    client = api(dispatcher)
    first = client.post(
        "/api/v1/legal/cases/", {"hotline_no": ticket.hotline_no, "reason": "涉及合同纠纷"}, format="json"
    )
    again = client.post("/api/v1/legal/cases/", {"hotline_no": ticket.hotline_no, "reason": "再次"}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    case = LegalCase.objects.get(ticket=ticket)
    assert case.origin == CaseOrigin.DISPATCHER
    assert first.json()["id"] == again.json()["id"] == case.pk


def test_someone_who_is_not_a_dispatcher_cannot_send_to_the_desk(legal_city, liaison_urban, api):
    ticket = factories.ticket(legal_city)
    response = api(liaison_urban).post(
        "/api/v1/legal/cases/", {"hotline_no": ticket.hotline_no, "reason": "x"}, format="json"
    )
    assert response.status_code == 403
    assert not LegalCase.objects.exists()


def test_a_bounce_for_litigation_or_arbitration_opens_a_case(legal_city):
    liaison = factories.user("liaison_u", Role.LIAISON, departments=(legal_city["urban"],))
    ticket = factories.ticket(legal_city, dispatched_to=legal_city["urban"])
    assignment = ticket.assignments.get()
    reason = BounceReason.objects.get(name="涉及诉讼或仲裁")
    bounce = bounce_create(
        assignment_id=assignment.pk,
        actor=liaison,
        reason_id=reason.pk,
        explanation="双方已就此事向法院起诉",
        basis="《民事诉讼法》第一百二十二条",
        now=assignment.assigned_at + dt.timedelta(hours=1),
    )
    case = LegalCase.objects.get(ticket=ticket)
    assert (case.origin, case.bounce_id) == (CaseOrigin.BOUNCE, bounce.pk)


def test_a_bounce_on_an_ordinary_ground_does_not_reach_the_desk(legal_city):
    liaison = factories.user("liaison_u", Role.LIAISON, departments=(legal_city["urban"],))
    ticket = factories.ticket(legal_city, dispatched_to=legal_city["urban"])
    assignment = ticket.assignments.get()
    reason = BounceReason.objects.get(name="非本单位职责")
    bounce_create(
        assignment_id=assignment.pk,
        actor=liaison,
        reason_id=reason.pk,
        explanation="不属于本单位",
        basis="三定方案",
        basis_document="明编办〔2026〕3号",  # the catalogue names the urban bureau (docs/bounces.md)
        now=assignment.assigned_at + dt.timedelta(hours=1),
    )
    assert not LegalCase.objects.filter(ticket=ticket).exists()
