"""Rulings, leader decisions and agreement minutes issued through the real services and API are verifiable by
anyone (docs/documents.md): code and QR code, signature, register, public page without personal data."""

import pytest
from rest_framework.test import APIClient

from arbitration.choices import Role
from arbitration.models import Agreement, Ruling
from arbitration.services.conferences import agenda_item_close
from arbitration.services.rulings import leader_decision_issue, ruling_refuse
from tests import factories
from tests.arbitration.conference.conftest import seat_members
from tests.arbitration.conference.test_conference import vote
from tests.arbitration.documents.verification_helpers import assert_verifiable

pytestmark = pytest.mark.django_db


def private_of(ticket) -> tuple[str, ...]:
    return (ticket.citizen_name, ticket.citizen_phone)


@pytest.fixture
def ruling(item, session, bodies, city, signing, django_capture_on_commit_callbacks):
    members = seat_members(session, bodies[:5])
    for member in members[:4]:
        vote(item, member, city["urban"], co=[city["market"]])
    vote(item, members[4], city["market"])
    with django_capture_on_commit_callbacks(execute=True):
        agenda_item_close(item_id=item.pk, actor=session.chair, reasons="占道经营属城市管理职责", basis="《条例》")
    return Ruling.objects.get()


def test_a_ruling_is_verifiable(ruling, city, signing):
    registration = assert_verifiable(ruling, cert_path=signing, private=private_of(ruling.ticket))
    assert (registration.kind, registration.addressee) == ("ruling", city["urban"].name)
    assert registration.document_number == ruling.document_number
    assert registration.issuer == ruling.data["issuer_name"]


def test_a_leader_decision_is_verifiable(ruling, city, liaison_urban, signing, django_capture_on_commit_callbacks):
    ruling_refuse(ruling_id=ruling.pk, actor=liaison_urban, department_id=city["urban"].pk, reason="不服")
    leader = factories.user("leader", Role.CITY_LEADER, full_name="王副市长")
    with django_capture_on_commit_callbacks(execute=True):
        decision = leader_decision_issue(
            dispute_id=ruling.dispute_id,
            actor=leader,
            lead_department_id=city["urban"].pk,
            reasons="维持认定",
            basis="市政府常务会议纪要",
        )
    registration = assert_verifiable(decision, cert_path=signing, private=private_of(decision.ticket))
    assert (registration.kind, registration.kind_name) == ("leader_decision", "领导签批")


def test_agreement_minutes_are_verifiable(dispute, dispatcher, city, signing, django_capture_on_commit_callbacks):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_authenticate(dispatcher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/disputes/{dispute.pk}/agreement/",
            {
                "lead_department_id": city["market"].pk,
                "minutes": "双方协商一致，由市场监管局主办。",
                "basis": "《食品安全法》",
            },
            format="json",
        )
    assert response.status_code in (200, 201), response.content
    agreement = Agreement.objects.get()
    registration = assert_verifiable(agreement, cert_path=signing, private=private_of(agreement.ticket))
    assert (registration.kind, registration.addressee) == ("agreement", city["market"].name)
