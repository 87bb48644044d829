"""Closing an agenda item: never before its session has begun; the ruling is dated by the close; a tie goes to a
city leader, or is broken by the chair's casting vote where the local rules say so."""

import datetime as dt

import pytest
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from arbitration.choices import AgendaItemStatus, AgendaOutcome, DisputeStatus
from arbitration.errors import CastingVoteRequired, InvalidInput
from arbitration.models import Ruling
from arbitration.services.conferences import agenda_item_close, session_schedule
from arbitration.services.decision_minutes import date_words
from arbitration.services.disputes import dispute_put_on_agenda
from tests.arbitration.conference.conftest import lead_assignment, seat_members
from tests.arbitration.conference.test_conference import vote

pytestmark = pytest.mark.django_db


def pdf_text(document) -> str:
    document.refresh_from_db()
    return "".join(page.extract_text() for page in PdfReader(document.pdf.open("rb")).pages).replace("\n", "")


def nothing_decided(item) -> bool:
    item.refresh_from_db()
    item.dispute.refresh_from_db()
    return (
        item.status == AgendaItemStatus.OPEN
        and item.dispute.status == DisputeStatus.ON_AGENDA
        and not Ruling.objects.exists()
        and not item.dispute.transitions.filter(to_status__in=[DisputeStatus.RULED, DisputeStatus.AWAITING_SIGN_OFF])
    )


# --- the session's start and the ruling's date --------------------------------------------------------------------
def test_an_item_cannot_be_closed_before_its_session_has_begun(dispute, chair, bodies, city):
    session = session_schedule(
        title="2026年第2次联席会议", scheduled_for=timezone.now() + dt.timedelta(days=1), chair_id=chair.pk, actor=chair
    )
    item = dispute_put_on_agenda(dispute_id=dispute.pk, session_id=session.pk, actor=chair)
    for member in seat_members(session, bodies[:3]):
        vote(item, member, city["urban"])
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_authenticate(chair)

    refused = client.post(f"/api/v1/conference/items/{item.pk}/close/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "session_not_started"
    starts = timezone.localtime(session.scheduled_for).strftime("%Y-%m-%d %H:%M")
    assert starts in refused.json()["message"] and "会议" in refused.json()["message"]
    assert nothing_decided(item)

    session.scheduled_for = timezone.now() - dt.timedelta(minutes=1)  # the session has begun
    session.save(update_fields=["scheduled_for"])
    closed = client.post(f"/api/v1/conference/items/{item.pk}/close/", {}, format="json")
    assert closed.status_code == 200 and closed.json()["outcome"] == AgendaOutcome.RULING


def test_a_ruling_is_dated_by_the_moment_its_item_closed(
    dispute, chair, bodies, city, django_capture_on_commit_callbacks
):
    begun = timezone.now() - dt.timedelta(days=3)  # a sitting that began three days ago and closes the item today
    session = session_schedule(title="2026年第3次联席会议", scheduled_for=begun, chair_id=chair.pk, actor=chair)
    item = dispute_put_on_agenda(dispute_id=dispute.pk, session_id=session.pk, actor=chair)
    for member in seat_members(session, bodies[:3]):
        vote(item, member, city["urban"])
    with django_capture_on_commit_callbacks(execute=True):
        agenda_item_close(item_id=item.pk, actor=chair)
    item.refresh_from_db()
    ruling = Ruling.objects.get()

    assert ruling.issued_at == item.closed_at
    assert ruling.data["issue_date"] == timezone.localtime(item.closed_at).date().isoformat()
    text = pdf_text(ruling)
    assert text.count(date_words(item.closed_at)) >= 1 and date_words(begun) in text  # meeting line: the session
    assert text.index(date_words(begun)) < text.rindex(date_words(item.closed_at))  # signature: the close


# --- a tie ----------------------------------------------------------------------------------------------------------
@pytest.fixture
def tied(item, session, bodies, city):
    """Four members: two for urban, two for market."""
    for member, lead in zip(seat_members(session, bodies[:4]), ["urban", "urban", "market", "market"], strict=True):
        vote(item, member, city[lead])
    return item


def test_without_the_casting_vote_rule_a_tie_goes_to_the_leader_and_a_casting_vote_is_refused(tied, session, city):
    with pytest.raises(InvalidInput) as refused:
        agenda_item_close(item_id=tied.pk, actor=session.chair, casting_vote_department_id=city["market"].pk)
    assert refused.value.details["field"] == "casting_vote_department_id"
    assert nothing_decided(tied)

    closed = agenda_item_close(item_id=tied.pk, actor=session.chair)
    assert closed.outcome == AgendaOutcome.TIE and closed.result["casting_vote"] is None
    closed.dispute.refresh_from_db()
    assert closed.dispute.status == DisputeStatus.AWAITING_SIGN_OFF and not Ruling.objects.exists()


def test_with_the_casting_vote_rule_the_chair_breaks_a_tie_and_the_ruling_says_so(
    tied, session, city, settings, django_capture_on_commit_callbacks
):
    settings.MINGZE_CONFERENCE_CASTING_VOTE = True
    with pytest.raises(CastingVoteRequired) as required:
        agenda_item_close(item_id=tied.pk, actor=session.chair)
    assert city["urban"].name in str(required.value) and city["market"].name in str(required.value)
    with pytest.raises(InvalidInput):  # not one of the leads tied at the top
        agenda_item_close(item_id=tied.pk, actor=session.chair, casting_vote_department_id=city["housing"].pk)
    assert nothing_decided(tied)

    with django_capture_on_commit_callbacks(execute=True):
        closed = agenda_item_close(item_id=tied.pk, actor=session.chair, casting_vote_department_id=city["market"].pk)
    assert closed.outcome == AgendaOutcome.RULING
    assert closed.result["casting_vote"]["department"] == city["market"].name
    ruling = Ruling.objects.get()
    assert ruling.lead == city["market"] and lead_assignment(ruling.ticket).department == city["market"]
    text = pdf_text(ruling)
    assert "决定票" in text and f"确定{city['market'].name}为主办单位" in text


def test_with_the_casting_vote_rule_a_vote_that_is_not_tied_takes_no_casting_vote(
    item, session, bodies, city, settings
):
    settings.MINGZE_CONFERENCE_CASTING_VOTE = True
    for member in seat_members(session, bodies[:3]):
        vote(item, member, city["urban"])
    with pytest.raises(InvalidInput):
        agenda_item_close(item_id=item.pk, actor=session.chair, casting_vote_department_id=city["urban"].pk)
    assert agenda_item_close(item_id=item.pk, actor=session.chair).outcome == AgendaOutcome.RULING
