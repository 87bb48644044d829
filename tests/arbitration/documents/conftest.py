"""A concrete issued-document model for the tests of the abstract base, and sample document data."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from arbitration.documents.render import LetterData, MinutesData, render_letter
from arbitration.models import IssuedDocument

PARAGRAPH = (
    "你单位承办的12345热线工单（编号：MZ20260301001，诉求人反映海曙区中山西路88号附近夜间占道经营、"
    "油烟扰民问题）已超过办理时限仍未办结。根据《明州市12345热线工单办理督办办法》第十二条，现予督办。"
)


def letter_data(**changes) -> LetterData:
    values = {
        "issuer_name": "明州市12345政务服务便民热线管理办公室",
        "document_number": "明责督〔2026〕12号",
        "title": "关于督促办理12345热线工单的督办函",
        "addressee": "市城市管理局",
        "paragraphs": (PARAGRAPH, "一、督办事项。请于2026年3月12日前办结并书面反馈。", "（一）核实情况。"),
        "issue_date": datetime.date(2026, 3, 5),
        "attachments": ("工单详情",),
        "contact": "联系人：王明，电话：0574-87654321",
        "cc": ("市政府督查室",),
    }
    return LetterData(**(values | changes))


def minutes_data(**changes) -> MinutesData:
    values = {
        "issuer_name": "明州市12345热线职责争议联席会议",
        "document_number": "明责认〔2026〕3号",
        "title": "关于海曙区占道经营职责归属的认定",
        "meeting_line": "2026年3月5日，市12345热线管理办公室召开职责争议联席会议，现将议定事项纪要如下：",
        "present": ("市城市管理局张三", "海曙区人民政府王五"),
        "absent": ("市交通运输局孙八",),
        "attending": ("法律顾问吴十",),
        "items": (("明确主办单位", ("海曙区人民政府为主办单位，市城市管理局为协办单位。",)),),
        "issue_date": datetime.date(2026, 3, 5),
        "cc": ("市政府办公室",),
    }
    return MinutesData(**(values | changes))


@pytest.fixture(scope="session")
def sample_letter_model(django_db_setup, django_db_blocker) -> type[IssuedDocument]:
    """A real table for a concrete IssuedDocument, created once in the test database.

    The class is built here, not at import, so that the model (and the render sweep's view of it)
    exists only once its table does.
    """

    class SampleLetter(IssuedDocument):
        """样函: the smallest concrete issued document — a letter rendered from its snapshot."""

        class Meta:
            app_label = "arbitration"
            # Named in Chinese: the model stays registered for the session, so later tests' admin forms list it
            # among the permissions (tests/test_pages_language.py fails on English there).
            verbose_name = verbose_name_plural = "样函"

        def build_pdf(self) -> bytes:
            return render_letter(LetterData.from_dict(self.data))

    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(SampleLetter)
        # Its content type (which the register points to) committed once too: one made inside a test would be
        # rolled back while ContentType's cache keeps its id.
        ContentType.objects.get_for_model(SampleLetter)
    return SampleLetter
