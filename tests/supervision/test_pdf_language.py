"""The issued documents the demo city does not issue — a city leader's decision (领导签批), the minutes of an
agreement (协商纪要), the daily report (工作日报) and a monthly topic's closing report (结题报告) — issued here as
production issues them, through their services, and read back with pypdf: no English words on them.
tests/test_pages_language.py scans the kinds the demo issues (the surge risk bulletin among them) the same way."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader
from rest_framework.test import APIClient

from arbitration.choices import Role
from arbitration.models import Agreement
from arbitration.services.rulings import leader_decision_issue, ruling_refuse
from supervision.models import TopicClosingReport
from supervision.services import topics
from supervision.services.reports import daily_report_issue
from tests import factories
from tests.crawl import english_words
from tests.factories import at
from tests.supervision.test_topics import approve, propose

pytestmark = pytest.mark.django_db


def pdf_text(document) -> str:
    document.refresh_from_db()
    assert document.pdf, f"{document._meta.label} {document.pk} has no PDF"
    with document.pdf.open("rb") as handle:
        text = " ".join(page.extract_text() or "" for page in PdfReader(handle).pages)
    assert document.document_number.replace(" ", "") in text.replace(" ", "")  # the text was read, not empty
    return text


def test_a_leader_decision_speaks_chinese(ruling, city, liaison_urban, django_capture_on_commit_callbacks):
    ruling_refuse(ruling_id=ruling.pk, actor=liaison_urban, department_id=city["urban"].pk, reason="不服认定")
    leader = factories.user("leader", Role.CITY_LEADER, full_name="王副市长")
    with django_capture_on_commit_callbacks(execute=True):
        decision = leader_decision_issue(
            dispute_id=ruling.dispute_id,
            actor=leader,
            lead_department_id=city["urban"].pk,
            reasons="维持认定",
            basis="市政府常务会议纪要",
        )
    assert english_words(pdf_text(decision)) == []


def test_agreement_minutes_speak_chinese(dispute, dispatcher, city, django_capture_on_commit_callbacks):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_authenticate(dispatcher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/disputes/{dispute.pk}/agreement/",
            {
                "lead_department_id": city["market"].pk,
                "co_handler_ids": [city["urban"].pk],
                "minutes": "双方协商一致，由市场监管局主办，城管局协办。",
                "basis": "《食品安全法》",
            },
            format="json",
        )
    assert response.status_code == 200, response.content
    assert english_words(pdf_text(Agreement.objects.get())) == []


def test_the_daily_report_speaks_chinese(city, django_capture_on_commit_callbacks):
    for number in ("DR0001", "DR0002"):
        factories.ticket(city, hotline_no=number, dispatched_to=city["urban"], received_at=at(2026, 3, 2, 9))
    with django_capture_on_commit_callbacks(execute=True):
        report = daily_report_issue(day=dt.date(2026, 3, 2))
    assert english_words(pdf_text(report)) == []


def test_a_topic_closing_report_speaks_chinese(city, dispatcher, liaison_urban, django_capture_on_commit_callbacks):
    leader = factories.user("leader", Role.CITY_LEADER, full_name="市领导")
    topic = propose(city, dispatcher)
    approve(topic, city, leader)
    topics.topic_report_submit(topic_id=topic.pk, actor=liaison_urban, text="已摸排摊位42个。", figures={"摊位": 42})
    topics.topic_closing_start(topic_id=topic.pk, actor=dispatcher, reason="期限将至")
    with django_capture_on_commit_callbacks(execute=True):
        topics.topic_close(topic_id=topic.pk, actor=dispatcher, summary="夜市已划定疏导区。", now=at(2026, 4, 10))
    assert english_words(pdf_text(TopicClosingReport.objects.get(topic=topic))) == []
