"""The interface speaks Simplified Chinese first and English second (the compiled catalogue in locale/)."""

import pytest
from django.utils import translation

from arbitration.choices import TicketStatus
from arbitration.errors import CalendarYearMissing

pytestmark = pytest.mark.django_db


def test_the_login_page_is_in_chinese_by_default(client):
    assert "登录明责" in client.get("/login/").content.decode()


def test_english_is_available_from_the_language_switch(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Log in to Mingze" in client.get("/login/").content.decode()


def test_labels_and_domain_errors_are_translated():
    with translation.override("zh-hans"):
        assert str(TicketStatus.DISPATCHED.label) == "已派单"
        assert str(CalendarYearMissing(year=2027)) == "工作日历缺少2027年的数据，请先录入该年度节假日安排。"
