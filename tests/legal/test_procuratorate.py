"""The procuratorate liaison sees only the leads handed to them; the 2-month answer deadline is computed and shown."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from legal.choices import LeadStatus, ScreeningTrigger
from legal.models import PublicInterestLead
from legal.services import leads
from legal.services.leads import add_months, answer_due_on
from legal.services.screening import screening_run
from legal.tasks import month_bounds
from tests import factories
from tests.factories import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_leads(legal_city, desk_lead):
    for day in (2, 9, 16):
        factories.ticket(
            legal_city,
            received_at=at(2026, 3, day, 21),
            matter_id=legal_city["exhaust"].pk,
            address="滨河路88号",
            title="废气扰民",
            content="工厂夜间排放废气",
        )
        factories.ticket(
            legal_city,
            received_at=at(2026, 3, day, 22),
            matter_id=legal_city["exhaust"].pk,
            address="解放路9号",
            title="废气",
            content="化工企业排气",
            territory_id=legal_city["community_b1"].pk,
        )
    screening_run(
        period_start=month_bounds(2026, 3)[0], period_end=month_bounds(2026, 3)[1], trigger=ScreeningTrigger.COMMAND
    )
    handed, kept = PublicInterestLead.objects.order_by("pk")
    leads.lead_accept(lead_id=handed.pk, actor=desk_lead, reason="持续排污")
    return handed, kept


def test_the_liaison_sees_only_handed_leads(
    two_leads, desk_lead, procurator, api, client, django_capture_on_commit_callbacks
):
    handed, kept = two_leads
    client_api = api(procurator)
    assert client_api.get("/api/v1/legal/leads/").json()["results"] == []  # nothing handed yet
    with django_capture_on_commit_callbacks(execute=True):
        response = api(desk_lead).post(f"/api/v1/legal/leads/{handed.pk}/handoff/", {}, format="json")
    assert response.status_code == 201 and response.json()["status"] == LeadStatus.HANDED_OFF
    assert [row["id"] for row in client_api.get("/api/v1/legal/leads/").json()["results"]] == [handed.pk]
    assert client_api.get(f"/api/v1/legal/leads/{kept.pk}/").status_code == 404
    client.force_login(procurator)
    assert client.get(f"/legal/leads/{handed.pk}/").status_code == 200
    assert client.get(f"/legal/leads/{kept.pk}/").status_code == 404
    listing = client.get("/legal/leads/").content.decode()
    assert handed.title in listing and kept.title not in listing
    pdf = client.get(f"/legal/leads/{handed.pk}/pdf/")
    text = PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages[0].extract_text()
    assert handed.referral.document_number.replace(" ", "") in text.replace(" ", "")


def test_a_lead_not_yet_accepted_cannot_be_handed_off(two_leads, desk_lead, procurator, api):
    _handed, kept = two_leads
    response = api(desk_lead).post(f"/api/v1/legal/leads/{kept.pk}/handoff/", {}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "illegal_move"


def test_the_recommendations_two_month_deadline_is_computed_and_shown(
    two_leads, desk_lead, procurator, api, client, legal_city
):
    handed, _kept = two_leads
    leads.lead_handoff(lead_id=handed.pk, actor=desk_lead)
    liaison = api(procurator)
    assert (
        liaison.post(f"/api/v1/legal/leads/{handed.pk}/receipt/", {"note": "已收到"}, format="json").status_code == 200
    )
    liaison.post(f"/api/v1/legal/leads/{handed.pk}/feedback/", {"kind": "filed", "note": "已立案"}, format="json")
    response = liaison.post(
        f"/api/v1/legal/leads/{handed.pk}/feedback/",
        {
            "kind": "recommendation_issued",
            "recommendation_to": legal_city["eco_bureau"].pk,
            "recommendation_issued_on": "2026-03-05",
        },
        format="json",
    )
    assert response.status_code == 201
    # 5 May 2026 is in the Labour Day holiday (5-1..5-5): the period runs to the next working day.
    assert response.json()["answer_due_on"] == "2026-05-06"
    client.force_login(procurator)
    page = client.get(f"/legal/leads/{handed.pk}/").content.decode()
    assert "2026-05-06" in page
    ledger = client.get("/legal/ledger/", {"month": f"{handed.referral.issued_at:%Y-%m}"}).content.decode()
    assert "2026-05-06" in ledger and handed.referral.document_number in ledger
    csv_text = client.get("/legal/ledger.csv", {"month": f"{handed.referral.issued_at:%Y-%m}"}).content.decode(
        "utf-8-sig"
    )
    assert "2026-05-06" in csv_text and "市生态环境局" in csv_text


def test_a_decline_needs_a_reason(two_leads, desk_lead, procurator, api):
    handed, _kept = two_leads
    leads.lead_handoff(lead_id=handed.pk, actor=desk_lead)
    liaison = api(procurator)
    liaison.post(f"/api/v1/legal/leads/{handed.pk}/receipt/", {}, format="json")
    refused = liaison.post(f"/api/v1/legal/leads/{handed.pk}/feedback/", {"kind": "declined"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "feedback_incomplete"
    declined = liaison.post(
        f"/api/v1/legal/leads/{handed.pk}/feedback/",
        {"kind": "declined", "declined_reason": "不属于公益诉讼范围"},
        format="json",
    )
    assert declined.status_code == 201
    handed.refresh_from_db()
    assert handed.status == LeadStatus.DECLINED


def test_the_desk_lead_may_not_record_the_procuratorates_feedback(two_leads, desk_lead, procurator, api):
    handed, _kept = two_leads
    leads.lead_handoff(lead_id=handed.pk, actor=desk_lead)
    response = api(desk_lead).post(f"/api/v1/legal/leads/{handed.pk}/receipt/", {}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("issued", "due"),
    [
        (dt.date(2026, 3, 5), dt.date(2026, 5, 5)),
        (dt.date(2026, 12, 31), dt.date(2027, 2, 28)),  # no 31 February: the month's last day (Civil Code art. 201)
        (dt.date(2026, 8, 31), dt.date(2026, 10, 31)),
    ],
)
def test_two_months_later_is_the_same_day_or_the_months_last(issued, due):
    assert add_months(issued, 2) == due


def test_an_answer_period_ending_on_a_weekend_runs_to_the_next_working_day(db):
    # 31 Oct 2026 is a Saturday; 2 Nov is the Monday after.
    assert answer_due_on(dt.date(2026, 8, 31)) == dt.date(2026, 11, 2)
