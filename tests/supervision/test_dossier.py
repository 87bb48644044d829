"""A referral's dossier covers the whole problem: every ticket, every event of each in one timeline, the letters with
their verification details — in the stored snapshot and in the PDF read back."""

import datetime as dt
import hashlib
import re

import pytest
from pypdf import PdfReader

from arbitration.audit.seals import seal_day
from arbitration.choices import Role
from arbitration.models import AuditSeal, Ticket
from supervision.choices import LetterKind, Trigger
from supervision.dossier.snapshot import dossier_snapshot
from supervision.dossier.timeline import when
from supervision.models import SupervisionCase
from supervision.services import letters, referrals
from supervision.services.sweep import supervision_sweep
from tests import factories
from tests.arbitration.test_audit import _tamper
from tests.factories import at
from tests.supervision.helpers import platform, post_ticket

pytestmark = pytest.mark.django_db

MOMENT = re.compile(r"^\d+\. (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) ")


@pytest.fixture
def sent_problem_referral(city, dispatcher, supervisor, django_capture_on_commit_callbacks):
    """Three tickets of one problem whose platform events interleave, a letter on its case, a referral sent."""
    api = platform(dispatcher)
    phones = {"D1": "13700005551", "D2": "13700005552", "D3": "13700005553"}

    def send(number, day, **changes):
        return post_ticket(api, number, day=day, citizen_phone=phones[number], **changes)

    send("D1", 2)
    send("D2", 3)
    send("D1", 2, status="replied", result="已劝离摊贩", satisfaction="dissatisfied")
    send("D3", 4)
    send("D2", 3, status="replied", result="已约谈经营者")
    send("D1", 2, status="closed")
    supervision_sweep(now=at(2026, 3, 5, 10))
    case = SupervisionCase.objects.get(trigger=Trigger.REPEATED)
    letter = letters.letter_issue_for_case(case_id=case.pk, kind=LetterKind.ESCALATION, actor=supervisor)
    send("D3", 4, status="replied", result="已清理占道")
    liaison = factories.user("jiwei", Role.DISCIPLINE_LIAISON, full_name="纪委联络员")
    referral = referrals.referral_create(
        ticket_id=Ticket.objects.get(hotline_no="D2").pk, actor=supervisor, reason="久拖"
    )
    with django_capture_on_commit_callbacks(execute=True):
        referrals.referral_send(referral_id=referral.pk, liaison_id=liaison.pk, actor=supervisor)
    referral.refresh_from_db()
    letter.refresh_from_db()
    return referral, letter


def test_the_dossier_of_a_three_ticket_problem_lists_every_event_of_all_three_in_order(sent_problem_referral):
    referral, _letter = sent_problem_referral
    lines = referral.dossier_data["timeline"]

    assert referral.dossier_data["tickets"] == ["D1", "D2", "D3"]
    events = sorted(
        (event for number in ("D1", "D2", "D3") for event in Ticket.objects.get(hotline_no=number).events.all()),
        key=lambda event: (event.at, event.pk),
    )
    assert len(events) == 10  # each ticket received and dispatched, and four updates from the platform
    found, position = [], 0
    for event in events:  # each event has its own line, naming its ticket, and the lines follow the events' order
        wanted = f"{when(event.at)} 【{event.ticket.hotline_no}】工单：{event.get_kind_display()}"
        position = next(i for i in range(position, len(lines)) if wanted in lines[i])
        found.append(position)
        position += 1
    assert found == sorted(found)  # one merged timeline: the three tickets' events interleave as they happened
    moments = [MOMENT.match(line).group(1) for line in lines]
    assert moments == sorted(moments)


def test_the_dossier_pdf_reads_back_every_line_in_order_with_the_letter_and_its_digest(sent_problem_referral):
    referral, letter = sent_problem_referral
    data = referral.dossier_data
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(referral.dossier_pdf.open("rb")).pages))
    text = re.sub(r"—\d+—", "", text)  # page numbers (— 4 —) fall inside a paragraph split across two pages

    position = 0
    for line in [*data["facts"], *data["ladder"], *data["timeline"]]:
        position = text.index(re.sub(r"\s+", "", line), position)
    [document] = data["letters"]
    digest = hashlib.sha256(letter.pdf.open("rb").read()).hexdigest()
    assert (document["number"], document["sha256"]) == (letter.document_number, digest)
    assert letter.document_number in text and digest in text and data["rulings"] == []
    assert "关于工单D1等3件同一诉求问题的移送卷宗" in text and "柳岸社区" in text
    assert "13700005551" not in text  # phones are masked in the dossier
    assert re.fullmatch(r"明责卷〔\d{4}〕1号", data["document_number"]) and data["document_number"] in text  # 文号


def test_the_dossier_verifies_the_chains_it_quotes_and_names_their_seal(sent_problem_referral):
    referral, _letter = sent_problem_referral
    audit = referral.dossier_data["audit"]
    assert audit["ok"] and audit["rows"] > 10
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(referral.dossier_pdf.open("rb")).pages))
    assert "审计记录核验" in text and f"本卷宗引用的审计记录共{audit['rows']}条" in text and "未发现改动" in text

    # Issuing the case's letters sealed the day before their issue date (the seal each letter prints), after the
    # rows the dossier quotes: that seal covers them. A later seal is listed too, and the first still covers them.
    first = AuditSeal.objects.order_by("day").first()
    assert first is not None and audit["seal"] == {"day": first.day.isoformat(), "hash": first.seal_hash}
    later = seal_day(first.day + dt.timedelta(days=1))
    audit = dossier_snapshot(referral)["audit"]
    assert audit["ok"] and audit["seal"] == {"day": first.day.isoformat(), "hash": first.seal_hash}
    assert audit["seals"] == [
        {"day": first.day.isoformat(), "hash": first.seal_hash},
        {"day": later.day.isoformat(), "hash": later.seal_hash},
    ]

    history = Ticket.history.model
    row = history.objects.filter(id=Ticket.objects.get(hotline_no="D2").pk).first()
    _tamper(f"UPDATE {history._meta.db_table} SET title = %s WHERE history_id = %s", ["改过", row.pk])
    audit = dossier_snapshot(referral)["audit"]
    assert not audit["ok"] and history._meta.db_table in audit["failure"] and f"pk={row.pk}" in audit["failure"]
