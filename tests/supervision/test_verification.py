"""Every kind of supervision letter, the referral dossier and the scorecard bulletin, issued through the real
services, are verifiable by anyone (docs/documents.md): code and QR code, signature, register, public page
without the citizen's name or phone."""

from __future__ import annotations

import datetime as dt

import pytest

from arbitration.choices import Role
from arbitration.documents.tasks import document_pdf_store
from supervision.choices import LetterKind, LetterStatus, PeriodKind
from supervision.models import LetterDraft, ScoreBulletin, Scorecard, ScorePeriod, SupervisionLetter
from supervision.services import letters, referrals, scorecards
from supervision.services.scorecards import scorecards_publish
from supervision.texts.facts import Interview
from tests import factories
from tests.arbitration.documents.verification_helpers import assert_verifiable
from tests.factories import at
from tests.supervision import score_month
from tests.supervision.letter_helpers import ISSUED, overdue_case_opened, platform_ticket
from tests.supervision.score_month import AS_OF

pytestmark = pytest.mark.django_db

CITIZEN = ("张三", "13812341234")  # as the platform sent them (letter_helpers.platform_ticket)


@pytest.fixture
def overdue_case(city, dispatcher):
    return overdue_case_opened(dispatcher)


@pytest.fixture
def scorecard(city, dispatcher):
    platform_ticket(dispatcher, "SD2026030200011")
    platform_ticket(dispatcher, "SD2026030200012", department="SJJ")
    scorecards.scorecards_compute(period_kind=PeriodKind.MONTH, period_start=dt.date(2026, 3, 1))
    return Scorecard.objects.get(department=city["urban"], period_kind=PeriodKind.MONTH)


def issued(draft: LetterDraft, supervisor, capture, **choices) -> SupervisionLetter:
    with capture(execute=True):
        return letters.letter_issue(draft_id=draft.pk, actor=supervisor, now=ISSUED, **choices)


def scorecard_draft(card: Scorecard, kind: str, supervisor) -> LetterDraft:
    return letters.letter_draft_for_scorecard(scorecard=card, kind=kind, actor=supervisor) or LetterDraft.objects.get(
        scorecard=card, kind=kind, status=LetterStatus.DRAFT
    )


@pytest.mark.parametrize("kind", [LetterKind.REMINDER, LetterKind.ESCALATION])
def test_case_letters_are_verifiable(kind, overdue_case, supervisor, signing, django_capture_on_commit_callbacks):
    draft = letters.letter_draft_create(kind=kind, actor=supervisor, case_id=overdue_case.pk)
    letter = issued(draft, supervisor, django_capture_on_commit_callbacks)
    registration = assert_verifiable(letter, cert_path=signing, private=CITIZEN)
    assert (registration.kind, registration.kind_name) == (f"letter_{kind}", LetterKind(kind).label)
    assert registration.addressee == letter.addressee == "市城市管理局"


@pytest.mark.parametrize("kind", [LetterKind.WARNING, LetterKind.INTERVIEW])
def test_scorecard_letters_are_verifiable(kind, scorecard, supervisor, signing, django_capture_on_commit_callbacks):
    arranged = Interview(
        at=at(2026, 3, 20, 9, 30), place="市政府302会议室", attendees="主要负责同志", materials="整改报告"
    )
    choices = {"interview": arranged} if kind == LetterKind.INTERVIEW else {}
    letter = issued(
        scorecard_draft(scorecard, kind, supervisor), supervisor, django_capture_on_commit_callbacks, **choices
    )
    registration = assert_verifiable(letter, cert_path=signing, private=CITIZEN)
    assert registration.kind == f"letter_{kind}"


def test_the_referral_letter_and_the_dossier_are_verifiable(
    overdue_case, supervisor, signing, django_capture_on_commit_callbacks
):
    liaison = factories.user("jiwei", Role.DISCIPLINE_LIAISON, full_name="纪委联络员")
    referral = referrals.referral_create(ticket_id=overdue_case.ticket_id, actor=supervisor, reason="久拖不办")
    with django_capture_on_commit_callbacks(execute=True):
        referrals.referral_send(referral_id=referral.pk, liaison_id=liaison.pk, actor=supervisor)
    letter = SupervisionLetter.objects.get(referral=referral)
    registration = assert_verifiable(letter, cert_path=signing, private=CITIZEN)
    assert registration.kind == "letter_referral"

    dossier = assert_verifiable(referral, field="dossier_pdf", cert_path=signing, private=CITIZEN)
    assert (dossier.kind, dossier.kind_name) == ("referral_dossier", "移送卷宗")
    assert dossier.document_number == referral.dossier_data["document_number"]  # its own 明责卷 number
    assert dossier.document_number.startswith("明责卷〔")
    assert dossier.addressee == "明州市纪委监委"


def test_the_scorecard_bulletin_is_verifiable(city, tmp_path, supervisor, signing, django_capture_on_commit_callbacks):
    factories.department(*score_month.ENVIRONMENT)
    score_month.import_month(tmp_path)
    scorecards.scorecards_compute(period_kind=PeriodKind.MONTH, period_start=dt.date(2026, 3, 1), now=AS_OF)
    with django_capture_on_commit_callbacks(execute=True):
        scorecards_publish(period_id=ScorePeriod.objects.get().pk, actor=supervisor, now=at(2026, 3, 30, 10))
    bulletin = ScoreBulletin.objects.get()
    document_pdf_store(bulletin._meta.label, bulletin.pk)  # rendered after commit, or here if not yet
    registration = assert_verifiable(bulletin, cert_path=signing)
    assert registration.addressee == "各承办单位"
