"""Discipline referrals: rule proposals, the dossier built from the record, and the liaison's narrow view."""

import re

import pytest
from pypdf import PdfReader

from arbitration.choices import Role, TicketEventKind
from arbitration.errors import NotFound
from arbitration.services.tickets import ticket_event_record
from supervision import access, selectors
from supervision.choices import LetterKind, ReferralStatus, ReferralTrigger
from supervision.dossier import entry_line, merged_timeline
from supervision.errors import NoDisciplineLiaison, ReferralMoveRefused
from supervision.models import DisciplineReferral, SupervisionCase, SupervisionLetter
from supervision.services import cases, letters, referrals
from supervision.services.sweep import supervision_sweep
from tests import factories
from tests.factories import at
from tests.supervision.helpers import dispatched_ticket, rejected_bounce

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked_ticket(city, supervisor, liaison_urban, dispatcher):
    """A ticket with dispatches, a bounce, a supervision case, a letter and its answer on the record."""
    ticket = dispatched_ticket(city)
    ticket_event_record(ticket=ticket, kind=TicketEventKind.BOUNCED, actor=liaison_urban, reason="非本单位职责")
    ticket_event_record(ticket=ticket, kind=TicketEventKind.BOUNCE_REVIEWED, actor=dispatcher, reason="退单理由不成立")
    case = cases.case_open(actor=supervisor, reason="超期未办结", ticket_id=ticket.pk)
    letter = letters.letter_issue_for_case(case_id=case.pk, kind=LetterKind.ESCALATION, actor=supervisor)
    letters.letter_answer(letter_id=letter.pk, actor=liaison_urban, text="正在协调处置")
    return ticket


def test_a_ticket_bounced_four_times_by_three_departments_is_proposed_once_key_supervision_failed(
    city, dispatcher, supervisor
):
    ticket = dispatched_ticket(city)
    for day, department in zip((2, 3, 4, 5), ("urban", "market", "housing", "urban"), strict=True):
        rejected_bounce(ticket, city[department], dispatcher, reviewed_at=at(2026, 3, day, 10))
    # The ping-pong rule waits for the ladder (it used to propose at once): nothing until key supervision fails.
    assert supervision_sweep(now=at(2026, 3, 6, 10)).referrals == 0
    case = cases.case_open(actor=supervisor, reason="多次退单", ticket_id=ticket.pk, tier="key")
    assert supervision_sweep(now=at(2026, 3, 6, 10, 30)).referrals == 0
    cases.case_raise(case_id=case.pk, actor=supervisor, reason="重点督办未见成效")

    assert supervision_sweep(now=at(2026, 3, 6, 11)).referrals == 1
    assert supervision_sweep(now=at(2026, 3, 6, 12)).referrals == 0
    [referral] = DisciplineReferral.objects.all()
    assert (referral.ticket, referral.trigger, referral.status) == (
        ticket,
        ReferralTrigger.PING_PONG,
        ReferralStatus.PROPOSED,
    )
    assert set(referral.departments.values_list("code", flat=True)) == {"CGJ", "SJJ", "ZJJ"}


def test_three_unsatisfied_repeats_wait_for_the_key_rung(city):
    # They used to be proposed at once; under the default rules the problem's case must first fail at key
    # supervision (tests/supervision/test_referral_ladder.py climbs it).
    for day in (2, 3, 4):
        dispatched_ticket(city, received=at(2026, 3, day, 9), status="replied", satisfaction="dissatisfied")

    supervision_sweep(now=at(2026, 3, 6, 10))

    assert not DisciplineReferral.objects.exists()
    assert SupervisionCase.objects.get().problem.tickets.count() == 3


def test_the_dossier_lists_every_event_of_the_ticket_in_order(
    worked_ticket, supervisor, discipline_liaison, django_capture_on_commit_callbacks
):
    referral = referrals.referral_create(ticket_id=worked_ticket.pk, actor=supervisor, reason="久拖不办")
    # The record as it stands when the referral is sent.
    timeline = merged_timeline([worked_ticket], selectors.cases_about(ticket_ids=[worked_ticket.pk], problem_id=None))
    with django_capture_on_commit_callbacks(execute=True):
        referrals.referral_send(referral_id=referral.pk, liaison_id=discipline_liaison.pk, actor=supervisor)

    referral.refresh_from_db()
    kinds = {line.action for line in timeline}
    for event in worked_ticket.events.all():
        assert any(event.get_kind_display() in action for action in kinds)
    assert len([line for line in timeline if line.source == "history"]) >= worked_ticket.history.count()
    assert [line.at for line in timeline] == sorted(line.at for line in timeline)
    lines = referral.dossier_data["timeline"]
    assert lines == [entry_line(i, e) for i, e in enumerate(timeline, start=1)]
    assert any("督办函" in line for line in lines) and any("正在协调处置" in line for line in lines)
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(referral.dossier_pdf.open("rb")).pages))
    text = re.sub(r"—\d+—", "", text)  # page numbers (— 4 —) fall inside a paragraph split across two pages
    position = 0
    for line in lines:  # each line appears, and after the one before it
        position = text.index(re.sub(r"\s+", "", line), position)


def test_sending_issues_the_referral_letter_and_grants_only_that_liaison(
    worked_ticket, supervisor, discipline_liaison, city
):
    other_liaison = factories.user("jiwei2", Role.DISCIPLINE_LIAISON)
    mine = referrals.referral_create(ticket_id=worked_ticket.pk, actor=supervisor, reason="久拖不办")
    theirs = referrals.referral_create(ticket_id=dispatched_ticket(city).pk, actor=supervisor, reason="推诿")
    unsent = referrals.referral_create(ticket_id=dispatched_ticket(city).pk, actor=supervisor, reason="待定")
    referrals.referral_send(referral_id=mine.pk, liaison_id=discipline_liaison.pk, actor=supervisor)
    referrals.referral_send(referral_id=theirs.pk, liaison_id=other_liaison.pk, actor=supervisor)

    assert list(access.referrals_visible_to(discipline_liaison)) == [mine]
    for hidden in (theirs, unsent):
        with pytest.raises(NotFound):
            access.referral_get_for(user=discipline_liaison, referral_id=hidden.pk)
    assert SupervisionLetter.objects.get(referral=mine).kind == LetterKind.REFERRAL
    assert access.may_record_referral(discipline_liaison, mine)
    assert not access.may_record_referral(discipline_liaison, theirs)
    assert set(access.referrals_visible_to(supervisor)) == {mine, theirs, unsent}


def test_the_liaison_records_receipt_review_and_outcome_in_order(worked_ticket, supervisor, discipline_liaison):
    referral = referrals.referral_create(ticket_id=worked_ticket.pk, actor=supervisor, reason="久拖不办")
    with pytest.raises(NoDisciplineLiaison):
        referrals.referral_send(referral_id=referral.pk, liaison_id=supervisor.pk, actor=supervisor)
    referrals.referral_send(referral_id=referral.pk, liaison_id=discipline_liaison.pk, actor=supervisor)
    with pytest.raises(ReferralMoveRefused):
        referrals.referral_record(
            referral_id=referral.pk, actor=discipline_liaison, target=ReferralStatus.CONCLUDED, note="先办结"
        )

    for target, note in (
        (ReferralStatus.RECEIVED, ""),
        (ReferralStatus.UNDER_REVIEW, "已立案审查"),
        (ReferralStatus.CONCLUDED, "给予相关责任人诫勉谈话"),
    ):
        referrals.referral_record(referral_id=referral.pk, actor=discipline_liaison, target=target, note=note)

    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == (ReferralStatus.CONCLUDED, "给予相关责任人诫勉谈话")
    assert [e.to_status for e in referral.events.all()] == ["proposed", "sent", "received", "under_review", "concluded"]
    progress = selectors.referral_yearly_progress(referral.sent_at.year)
    assert (progress["sent"], progress["target"]) == (1, 20)
