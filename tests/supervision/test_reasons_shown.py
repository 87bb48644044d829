"""A reason the code wrote into the record is stored in English and read in Chinese wherever the record is shown:
the case page's timeline and the referral dossier (snapshot and PDF); an English reader sees it in English."""

import re

import pytest
from django.utils import translation
from pypdf import PdfReader

from arbitration.choices import BounceOutcome, TicketEventKind
from arbitration.reasons import BOUNCE_REVIEWED
from arbitration.services.tickets import INTAKE_REASON, ticket_event_record
from supervision import selectors
from supervision.dossier import merged_timeline
from supervision.services import cases, referrals
from tests.crawl import english_words
from tests.supervision.helpers import dispatched_ticket

pytestmark = pytest.mark.django_db

INTAKE_SHOWN = "接收自热线平台"  # INTAKE_REASON, fixed
REVIEW_SHOWN = "退单审核：" + str(BounceOutcome.REJECTED.label)  # BOUNCE_REVIEWED, a template with a choice's value


@pytest.fixture
def case_with_code_reasons(city, supervisor, dispatcher):
    ticket = dispatched_ticket(city)  # the intake service writes INTAKE_REASON into the ticket's history
    reviewed = BOUNCE_REVIEWED.format(outcome=BounceOutcome.REJECTED)
    ticket_event_record(ticket=ticket, kind=TicketEventKind.BOUNCE_REVIEWED, actor=dispatcher, reason=reviewed)
    case = cases.case_open(actor=supervisor, reason="超期未办结", ticket_id=ticket.pk)
    return ticket, case


def test_the_stored_reasons_stay_english_message_ids(case_with_code_reasons):
    ticket, _case = case_with_code_reasons
    assert ticket.history.earliest("history_date").history_change_reason == INTAKE_REASON
    assert ticket.events.get(kind=TicketEventKind.BOUNCE_REVIEWED).reason == "bounce rejected"


def test_the_case_page_shows_code_reasons_in_chinese(case_with_code_reasons, client, supervisor):
    _ticket, case = case_with_code_reasons
    client.force_login(supervisor)
    page = client.get(f"/supervision/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert INTAKE_SHOWN in page and REVIEW_SHOWN in page
    assert INTAKE_REASON not in page and "bounce rejected" not in page


def test_an_english_reader_reads_them_in_english(case_with_code_reasons):
    ticket, case = case_with_code_reasons
    with translation.override("en"):
        reasons = {line.reason for line in merged_timeline([ticket], [case])}
    assert {INTAKE_REASON, "bounce Rejected (unreasonable bounce)"} <= reasons


def test_the_dossier_shows_code_reasons_in_chinese(
    case_with_code_reasons, supervisor, discipline_liaison, django_capture_on_commit_callbacks
):
    ticket, _case = case_with_code_reasons
    referral = referrals.referral_create(ticket_id=ticket.pk, actor=supervisor, reason="久拖不办")
    # Whoever sends it, and in whatever language, the dossier is written in Chinese.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        referrals.referral_send(referral_id=referral.pk, liaison_id=discipline_liaison.pk, actor=supervisor)
    referral.refresh_from_db()
    lines = " ".join(referral.dossier_data["timeline"])
    assert INTAKE_SHOWN in lines and REVIEW_SHOWN in lines and not english_words(lines)
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(referral.dossier_pdf.open("rb")).pages))
    assert INTAKE_SHOWN in text and re.sub(r"\s+", "", REVIEW_SHOWN) in text
    assert selectors.cases_about(ticket_ids=[ticket.pk], problem_id=None)  # the case's part is in the dossier too
