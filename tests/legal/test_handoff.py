"""Hand-off to a body: a numbered letter PDF, a receipt, an outcome, and the route on the ticket's record."""

import io

import pytest
from pypdf import PdfReader

from arbitration.choices import TicketEventKind
from legal.choices import CaseStatus, HandoffStatus
from legal.errors import NoAdviceYet
from legal.models import Handoff, HandoffBody
from legal.services import handoffs
from tests.legal.helpers import advised_case, case_for

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(" ", "")


def test_the_hand_off_letter_shows_its_number_the_body_and_the_ticket(
    legal_city, desk_lead, lawyer, api, django_capture_on_commit_callbacks
):
    case, _advice = advised_case(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    body = HandoffBody.objects.get(name="明州仲裁委员会")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(lawyer).post(
            f"/api/v1/legal/cases/{case.pk}/handoffs/",
            {"body": body.pk, "summary": "属于劳动争议，应申请仲裁。"},
            format="json",
        )
    assert response.status_code == 201
    handoff = Handoff.objects.get()
    assert handoff.document_number.startswith("明责法〔") and handoff.document_number.endswith("〕1号")
    pdf = api(lawyer).get(f"/api/v1/legal/handoffs/{handoff.pk}/pdf/")
    text = _pdf_text(b"".join(pdf.streaming_content))
    assert handoff.document_number in text
    assert "明州仲裁委员会" in text
    assert case.ticket.hotline_no in text
    case.refresh_from_db()
    assert case.status == CaseStatus.HANDED_OFF
    route = case.ticket.events.get(kind=TicketEventKind.LEGAL_ROUTE, data__step="handoff")
    assert route.data["document_number"] == handoff.document_number


def test_hand_off_numbers_are_consecutive(legal_city, desk_lead, lawyer):
    body = HandoffBody.objects.first()
    numbers = []
    for _ in range(2):
        case, _advice = advised_case(legal_city, desk_lead=desk_lead, lawyer=lawyer)
        numbers.append(
            handoffs.handoff_issue(case_id=case.pk, body_id=body.pk, summary="s", actor=lawyer).document_number
        )
    assert [number.split("〕")[1] for number in numbers] == ["1号", "2号"]


def test_a_case_without_advice_cannot_be_handed_off(legal_city, desk_lead, lawyer):
    case = case_for(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    with pytest.raises(NoAdviceYet):
        handoffs.handoff_issue(case_id=case.pk, body_id=HandoffBody.objects.first().pk, summary="s", actor=lawyer)
    assert not Handoff.objects.exists()


def test_receipt_then_outcome_are_recorded(legal_city, desk_lead, lawyer, api):
    case, _advice = advised_case(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    handoff = handoffs.handoff_issue(case_id=case.pk, body_id=HandoffBody.objects.first().pk, summary="s", actor=lawyer)
    client = api(lawyer)
    early = client.post(f"/api/v1/legal/handoffs/{handoff.pk}/outcome/", {"outcome": "已立案"}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "handoff_not_received"
    client.post(f"/api/v1/legal/handoffs/{handoff.pk}/receipt/", {"note": "已签收"}, format="json")
    done = client.post(f"/api/v1/legal/handoffs/{handoff.pk}/outcome/", {"outcome": "已立案受理"}, format="json")
    assert done.json()["status"] == HandoffStatus.CONCLUDED and done.json()["receipt_note"] == "已签收"


# --- the citizen's contact details on the letter (docs/personal-data.md) -----------------------------------------
def _issue_and_read(api, lawyer, case, capture, **contact) -> tuple[dict, str]:
    body = HandoffBody.objects.get(name="明州仲裁委员会")
    with capture(execute=True):
        response = api(lawyer).post(
            f"/api/v1/legal/cases/{case.pk}/handoffs/",
            {"body": body.pk, "summary": "劳动争议", **contact},
            format="json",
        )
    assert response.status_code == 201, response.json()
    pdf = api(lawyer).get(f"/api/v1/legal/handoffs/{response.json()['id']}/pdf/")
    return response.json(), _pdf_text(b"".join(pdf.streaming_content)).replace("\n", "")


def test_without_consent_the_hand_off_letter_gives_the_hotline_number_only(
    legal_city, desk_lead, lawyer, api, django_capture_on_commit_callbacks
):
    case, _advice = advised_case(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    data, text = _issue_and_read(api, lawyer, case, django_capture_on_commit_callbacks)
    assert "13812341234" not in text and "138****1234" not in text and "张三" not in text and "张*" not in text
    assert "12345热线" in text and case.ticket.hotline_no in text
    assert (data["contact_consent"], data["contact_disclosed"]) == (False, False)


def test_with_the_citizens_consent_the_hand_off_letter_gives_name_and_phone(
    legal_city, desk_lead, lawyer, api, django_capture_on_commit_callbacks
):
    case, _advice = advised_case(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    data, text = _issue_and_read(api, lawyer, case, django_capture_on_commit_callbacks, contact_consent=True)
    assert "13812341234" in text and "张三" in text and "经来电人同意提供" in text
    assert data["contact_disclosed"] is True
    route = case.ticket.events.get(kind=TicketEventKind.LEGAL_ROUTE, data__step="handoff")
    assert route.data["contact_disclosed"] is True


def test_a_legal_basis_discloses_but_not_on_a_confidential_ticket(
    legal_city, desk_lead, lawyer, api, django_capture_on_commit_callbacks
):
    basis = {"contact_legal_basis": "《劳动争议调解仲裁法》第二十八条"}
    case, _advice = advised_case(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    _data, text = _issue_and_read(api, lawyer, case, django_capture_on_commit_callbacks, **basis)
    assert "13812341234" in text and "第二十八条" in text
    secret, _advice = advised_case(legal_city, desk_lead=desk_lead, lawyer=lawyer, confidential=True)
    data, text = _issue_and_read(api, lawyer, secret, django_capture_on_commit_callbacks, **basis)
    assert "13812341234" not in text and data["contact_disclosed"] is False
    _data, text = _issue_and_read(api, lawyer, secret, django_capture_on_commit_callbacks, contact_consent=True)
    assert "13812341234" in text  # the citizen's own consent lifts their own request


def test_the_hand_off_form_records_consent(legal_city, desk_lead, lawyer, client):
    case, _advice = advised_case(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    client.force_login(lawyer)
    page = client.get(f"/legal/cases/{case.pk}/").content.decode()
    assert 'name="contact_consent"' in page and 'name="contact_legal_basis"' in page
    body = HandoffBody.objects.get(name="明州仲裁委员会")
    client.post(f"/legal/cases/{case.pk}/handoff/", {"body": body.pk, "summary": "劳动争议", "contact_consent": "on"})
    handoff = Handoff.objects.get()
    assert handoff.contact_consent and handoff.contact_disclosed
    assert "13812341234" in " ".join(handoff.data["paragraphs"])


def test_an_overlong_legal_basis_is_a_clear_400_and_writes_nothing(legal_city, desk_lead, lawyer, api):
    case, _advice = advised_case(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    response = api(lawyer).post(
        f"/api/v1/legal/cases/{case.pk}/handoffs/",
        {"body": HandoffBody.objects.first().pk, "summary": "s", "contact_legal_basis": "法" * 256},
        format="json",
    )
    assert response.status_code == 400 and response.json()["details"]["field"] == "contact_legal_basis"
    assert not Handoff.objects.exists()
