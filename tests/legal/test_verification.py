"""The legal desk's hand-off letter and the procuratorate's lead letter, issued through the API, are verifiable by
anyone (docs/documents.md) — and the public page never shows the citizen, even when the letter itself names them
with their consent."""

import pytest

from legal.choices import ScreeningTrigger
from legal.models import Handoff, HandoffBody, PublicInterestLead
from legal.services import leads
from legal.services.screening import screening_run
from legal.tasks import month_bounds
from tests import factories
from tests.arbitration.documents.verification_helpers import assert_verifiable
from tests.factories import at
from tests.legal.helpers import advised_case

pytestmark = pytest.mark.django_db

CITIZEN = ("张三", "13812341234")  # tests.factories.ticket


def test_a_hand_off_letter_with_the_citizens_contact_is_verifiable_without_showing_it(
    legal_city, desk_lead, lawyer, api, signing, django_capture_on_commit_callbacks
):
    case, _advice = advised_case(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    body = HandoffBody.objects.get(name="明州仲裁委员会")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(lawyer).post(
            f"/api/v1/legal/cases/{case.pk}/handoffs/",
            {"body": body.pk, "summary": "劳动争议", "contact_consent": True},
            format="json",
        )
    assert response.status_code == 201, response.content
    handoff = Handoff.objects.get()
    registration = assert_verifiable(handoff, cert_path=signing, private=CITIZEN)
    assert (registration.kind, registration.addressee) == ("handoff", "明州仲裁委员会")


def test_a_procuratorate_lead_letter_is_verifiable(
    legal_city, desk_lead, procurator, api, signing, django_capture_on_commit_callbacks
):
    for day in (2, 9, 16):
        factories.ticket(
            legal_city,
            received_at=at(2026, 3, day, 21),
            matter_id=legal_city["exhaust"].pk,
            address="滨河路88号",
            title="废气扰民",
            content="工厂夜间排放废气",
        )
    start, end = month_bounds(2026, 3)
    screening_run(period_start=start, period_end=end, trigger=ScreeningTrigger.COMMAND)
    lead = PublicInterestLead.objects.order_by("pk").first()
    leads.lead_accept(lead_id=lead.pk, actor=desk_lead, reason="持续排污")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(desk_lead).post(f"/api/v1/legal/leads/{lead.pk}/handoff/", {}, format="json")
    assert response.status_code == 201, response.content
    lead.refresh_from_db()
    registration = assert_verifiable(lead.referral, cert_path=signing, private=CITIZEN)
    assert (registration.kind, registration.addressee) == ("procuratoratereferral", lead.referral.procuratorate)
