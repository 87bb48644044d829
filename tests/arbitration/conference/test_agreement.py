"""A negotiation that ends in agreement (协商一致): numbered minutes (协商工作纪要) as a PDF, and — only when the
parties agree to it — a precedent for its scope, like a ruling."""

import pytest
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from arbitration.choices import AssignmentMethod, DisputeStatus, DutySource, RulingScope
from arbitration.errors import BoundByDecision
from arbitration.graph import ticket_suggest
from arbitration.models import Agreement, Duty
from tests import factories
from tests.arbitration.conference.conftest import bounce, lead_assignment

pytestmark = pytest.mark.django_db


def agree(dispatcher, dispute, city, **extra):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_authenticate(dispatcher)
    body = {
        "lead_department_id": city["market"].pk,
        "co_handler_ids": [city["urban"].pk],
        "minutes": "双方协商一致：流动摊贩销售食品的，由市场监管局主办，城管局协办。",
        "basis": "《食品安全法》第三十六条",
        **extra,
    }
    return client.post(f"/api/v1/disputes/{dispute.pk}/agreement/", body, format="json")


def test_an_agreement_issues_numbered_minutes_whose_pdf_reads_back(
    dispute, dispatcher, city, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = agree(dispatcher, dispute, city)
    assert response.status_code == 200, response.json()
    agreement = Agreement.objects.get()
    year = timezone.localdate().year
    assert response.json()["agreement"] == {"id": agreement.pk, "document_number": f"明责协〔{year}〕1号"}
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.AGREED and agreement.issued_at == dispute.settled_at
    lead = lead_assignment(dispute.ticket)
    assert (lead.department, lead.method) == (city["market"], AssignmentMethod.AGREEMENT)

    agreement.refresh_from_db()
    text = "".join(p.extract_text() for p in PdfReader(agreement.pdf.open("rb")).pages).replace("\n", "")
    for expected in (
        agreement.document_number,
        "协商纪要",
        "主办单位：市市场监督管理局",
        "协办单位：市城市管理局",
        "仅限本工单",
        "流动摊贩销售食品的，由市场监管局主办",
        "《食品安全法》第三十六条",
        dispute.ticket.hotline_no,
    ):
        assert expected in text, expected
    assert "作为先例" not in text
    assert not Duty.objects.filter(source=DutySource.AGREEMENT).exists()  # the parties did not make it a precedent


def test_an_agreement_the_parties_make_a_precedent_binds_its_scope_like_a_ruling(
    dispute, dispatcher, city, liaison_market, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert agree(dispatcher, dispute, city, scope="district").status_code == 200
    agreement = Agreement.objects.get()
    assert (agreement.scope, agreement.territory) == (RulingScope.DISTRICT, city["district_a"])
    precedents = Duty.objects.current().filter(source=DutySource.AGREEMENT, source_reference=agreement.document_number)
    assert {(d.department, d.role, d.territory) for d in precedents} == {
        (city["market"], "lead", city["district_a"]),
        (city["urban"], "co_handler", city["district_a"]),
    }
    agreement.refresh_from_db()
    text = "".join(p.extract_text() for p in PdfReader(agreement.pdf.open("rb")).pages).replace("\n", "")
    assert "本区同类事项" in text and "作为先例" in text

    later = factories.ticket(city, dispatched_to=city["market"], received_at=timezone.now())
    top = ticket_suggest(later).leads[0]
    assert (top.department_id, top.source_reference) == (city["market"].pk, agreement.document_number)
    with pytest.raises(BoundByDecision) as refused:
        bounce(later, liaison_market)
    assert agreement.document_number in str(refused.value)
    elsewhere = factories.ticket(
        city, territory_id=city["community_b1"].pk, dispatched_to=city["market"], received_at=timezone.now()
    )
    assert ticket_suggest(elsewhere).leads[0].department_id == city["urban"].pk  # the other district: the catalogue
    assert bounce(elsewhere, liaison_market).pk


def test_an_agreement_without_minutes_or_with_an_unknown_lead_is_refused_and_writes_nothing(dispute, dispatcher, city):
    assert agree(dispatcher, dispute, city, minutes=" ").status_code == 400
    refused = agree(dispatcher, dispute, city, lead_department_id=999999)
    assert refused.status_code == 400 and refused.json()["details"]["field"] == "lead"
    dispute.refresh_from_db()
    assert dispute.status != DisputeStatus.AGREED and not Agreement.objects.exists()
