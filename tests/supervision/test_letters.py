"""Letters: drafting, issuing with gapless numbers, the PDF in the GB/T 9704 letter format, answers, register."""

import datetime as dt
import re
import threading

import pytest
from django.db import connection
from pypdf import PdfReader

from arbitration.choices import RenderStatus
from supervision import selectors
from supervision.choices import LetterKind, LetterStatus
from supervision.errors import LetterNotDraft, LetterNotIssued
from supervision.models import SupervisionLetter
from supervision.services import cases, letters
from supervision.texts.facts import CASE_LETTER_KINDS, Interview
from tests.factories import at
from tests.supervision.helpers import dispatched_ticket

pytestmark = pytest.mark.django_db

MM = 72 / 25.4
A4 = (595.28, 841.89)


@pytest.fixture
def case(city, supervisor):
    ticket = dispatched_ticket(city)
    return cases.case_open(actor=supervisor, reason="超期未办结", ticket_id=ticket.pk, now=at(2026, 3, 10, 10))


def positions(page) -> list[tuple[float, float, str]]:
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text))

    page.extract_text(visitor_text=visit)
    return found


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# The kinds a case's letter may be (warning letters come from scorecards, referral letters from referrals: see
# test_letter_kinds.py, which checks each kind's own words).
@pytest.mark.parametrize("kind", CASE_LETTER_KINDS)
def test_each_letter_pdf_shows_number_addressee_ticket_and_due_date_in_the_letter_format(
    kind, case, supervisor, django_capture_on_commit_callbacks
):
    draft = letters.letter_draft_create(kind=kind, actor=supervisor, case_id=case.pk)
    interview = Interview(
        at=at(2026, 3, 20, 9, 30), place="市政府302会议室", attendees="负责同志", materials="整改报告"
    )
    with django_capture_on_commit_callbacks(execute=True):  # the PDF is rendered after commit
        letter = letters.letter_issue(
            draft_id=draft.pk, actor=supervisor, due_on=dt.date(2026, 3, 17), interview=interview, now=at(2026, 3, 12)
        )

    letter.refresh_from_db()
    assert letter.render_status == RenderStatus.RENDERED
    reader = PdfReader(letter.pdf.open("rb"))
    text = squeeze("".join(page.extract_text() for page in reader.pages))
    for expected in (letter.document_number, "市城市管理局：", case.ticket.hotline_no, "2026年3月17日"):
        assert squeeze(expected) in text
    page = reader.pages[0]
    assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4
    xs = [x for x, _y, _t in positions(page)]
    left, right = 28 * MM, (28 + 156) * MM
    addressee_x = next(x for x, _y, t in positions(page) if t.startswith("市城市管理局"))
    assert addressee_x == pytest.approx(left, abs=0.5)  # flush left on the binding margin
    assert min(xs) >= left - 0.5 and max(xs) <= right


def test_numbers_follow_each_other_per_kind_and_a_draft_is_issued_once(case, supervisor):
    first = letters.letter_issue_for_case(case_id=case.pk, kind=LetterKind.ESCALATION, actor=supervisor)
    second = letters.letter_issue_for_case(case_id=case.pk, kind=LetterKind.ESCALATION, actor=supervisor)
    reminder = letters.letter_issue_for_case(case_id=case.pk, kind=LetterKind.REMINDER, actor=supervisor)

    year = first.issued_at.year
    assert (first.document_number, second.document_number) == (f"明责督〔{year}〕1号", f"明责督〔{year}〕2号")
    assert reminder.document_number == f"明责催〔{year}〕1号"
    with pytest.raises(LetterNotDraft):
        letters.letter_issue(draft_id=first.draft_id, actor=supervisor)


def test_an_issued_letter_is_never_rendered_again(case, supervisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        letter = letters.letter_issue_for_case(case_id=case.pk, kind=LetterKind.ESCALATION, actor=supervisor)
    letter.refresh_from_db()
    stored = letter.pdf.read()
    from arbitration.documents.tasks import document_pdf_store

    document_pdf_store(letter._meta.label, letter.pk)
    letter.refresh_from_db()
    assert letter.pdf.read() == stored and letter.render_attempts == 1


def test_the_register_shows_issued_answered_and_overdue(case, supervisor, liaison_urban):
    answered = letters.letter_issue_for_case(case_id=case.pk, kind=LetterKind.ESCALATION, actor=supervisor)
    overdue = letters.letter_issue_for_case(case_id=case.pk, kind=LetterKind.REMINDER, actor=supervisor)
    letters.letter_issue_for_case(case_id=case.pk, kind=LetterKind.ESCALATION, actor=supervisor)
    letters.letter_answer(letter_id=answered.pk, actor=liaison_urban, text="已办结并答复群众")
    late = overdue.response_due_on + dt.timedelta(days=1)

    counts = selectors.letter_register_counts(SupervisionLetter.objects.all(), today=late)

    assert counts == {"draft": 0, "issued": 0, "overdue": 2, "answered": 1}
    assert list(selectors.letter_register(SupervisionLetter.objects.all(), state="answered")) == [answered]
    with pytest.raises(LetterNotIssued):
        letters.letter_answer(letter_id=answered.pk, actor=liaison_urban, text="again")
    assert SupervisionLetter.objects.get(pk=answered.pk).status == LetterStatus.ANSWERED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_letter_numbers_stay_gapless_when_twenty_are_issued_at_once(city, supervisor):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    ticket = dispatched_ticket(city)
    case = cases.case_open(actor=supervisor, reason="并发", ticket_id=ticket.pk)
    drafts = [
        letters.letter_draft_create(kind=LetterKind.ESCALATION, actor=supervisor, case_id=case.pk) for _ in range(20)
    ]
    barrier, errors = threading.Barrier(20), []

    def issue(draft_id):
        try:
            barrier.wait()
            letters.letter_issue(draft_id=draft_id, actor=supervisor)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(d.pk,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(
        int(re.search(r"〕(\d+)号", n).group(1))
        for n in SupervisionLetter.objects.values_list("document_number", flat=True)
    )
    assert numbers == list(range(1, 21))
