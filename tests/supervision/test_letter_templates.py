"""Letter texts are templates an administrator edits in the admin (docs/letters.md): a bad template is a form
error, never a failure at issue time, and an issued letter keeps the text it was issued with."""

from __future__ import annotations

import pytest
from django.test import Client
from pypdf import PdfReader

from arbitration.documents.finalise import pdf_finalise
from arbitration.models import DocumentSequence
from supervision.choices import LetterKind
from supervision.errors import LetterTemplateInvalid
from supervision.models import LetterDraft, LetterTemplate, SupervisionLetter
from supervision.services import letters
from supervision.texts.defaults import DEFAULT_TEMPLATES
from supervision.texts.placeholders import template_errors
from tests.factories import at
from tests.supervision.letter_helpers import ISSUED, overdue_case_opened, platform_ticket, squeeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_case(city, dispatcher):
    return overdue_case_opened(dispatcher)


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(kind: str) -> str:
    return f"/admin/supervision/lettertemplate/{LetterTemplate.objects.get(kind=kind).pk}/change/"


def save_in_admin(client: Client, kind: str, *, title: str, body: str):
    return client.post(change_url(kind), {"title": title, "body": body})


def test_every_kind_starts_with_its_default_text_which_passes_its_own_checks():
    assert set(LetterTemplate.objects.values_list("kind", flat=True)) == set(LetterKind.values)
    for kind, text in DEFAULT_TEMPLATES.items():
        assert template_errors(kind, title=text["title"], body=text["body"]) == {}, kind


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ("${response_due}${case_summary}${tier}${requirement}${unknown_name}", "未知的占位符 ${unknown_name}"),
        ("罚款$5。${case_summary}${tier}${requirement}${response_due}", "第1行：“$”必须引出占位符名称"),
        ("${case_summary}，现为${tier}。请于${response_due}前反馈。", "${requirement}"),  # leaves out what is required
        ("${case_summary}${tier}${requirement}${response_due}补充：${remarks}", "必须单独成行"),
        ("${case_summary", "“$”必须引出占位符名称"),
    ],
)
def test_a_bad_template_is_refused_in_the_admin_form_and_nothing_changes(administrator, body, complaint):
    before = LetterTemplate.objects.get(kind=LetterKind.ESCALATION)
    versions = before.history.count()

    response = save_in_admin(admin_client(administrator), LetterKind.ESCALATION, title=before.title, body=body)

    assert response.status_code == 200  # the form again, with its error
    assert complaint in response.content.decode()
    after = LetterTemplate.objects.get(kind=LetterKind.ESCALATION)
    assert (after.body, after.history.count()) == (before.body, versions)


def test_a_list_placeholder_in_the_title_is_a_form_error(administrator):
    before = LetterTemplate.objects.get(kind=LetterKind.REMINDER)
    response = save_in_admin(
        admin_client(administrator), LetterKind.REMINDER, title="关于${ticket_list}的通知", body=before.body
    )
    assert "标题只有一行" in response.content.decode()
    assert LetterTemplate.objects.get(kind=LetterKind.REMINDER).title == before.title


def test_editing_the_template_after_issue_leaves_the_issued_letter_and_its_pdf_unchanged(
    overdue_case,
    supervisor,
    administrator,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = letters.letter_issue_for_case(case_id=overdue_case.pk, kind=LetterKind.ESCALATION, actor=supervisor)
    first.refresh_from_db()
    stored_pdf, stored_data = first.pdf.read(), dict(first.data)
    template = LetterTemplate.objects.get(kind=LetterKind.ESCALATION)

    response = save_in_admin(
        admin_client(administrator),
        LetterKind.ESCALATION,
        title="督办通知（${tier}）",
        body=template.body.replace("现予督办", "特此督办"),
    )
    assert response.status_code == 302  # saved
    assert template.history.count() == 2  # the edit is on the template's history, by the administrator
    assert template.history.first().history_user == administrator
    with django_capture_on_commit_callbacks(execute=True):
        second = letters.letter_issue_for_case(case_id=overdue_case.pk, kind=LetterKind.ESCALATION, actor=supervisor)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.data == stored_data
    assert first.pdf.read() == stored_pdf
    # Even rendered again, the snapshot gives the same letter: finalised the same way (stamp; unsigned in tests),
    # the same bytes as the stored file.
    assert pdf_finalise(first, first.build_pdf()).content == stored_pdf
    old_text = squeeze("".join(p.extract_text() for p in PdfReader(first.pdf.open("rb")).pages))
    assert "现予督办" in old_text and "特此督办" not in old_text
    assert first.data["template"]["body"] == template.body  # the exact text it was issued from
    new_text = squeeze("".join(p.extract_text() for p in PdfReader(second.pdf.open("rb")).pages))
    assert "特此督办" in new_text and "督办通知（日常督办）" in new_text
    shown = admin_client(supervisor).get(f"/api/v1/supervision/letters/{first.pk}/").json()
    assert shown["title"] == "关于督促办理12345热线工单的督办函"
    assert any("现予督办" in paragraph for paragraph in shown["paragraphs"])


def test_a_template_broken_outside_the_admin_is_refused_when_issuing_and_nothing_is_written(
    overdue_case,
    supervisor,
):
    LetterTemplate.objects.filter(kind=LetterKind.ESCALATION).update(body="${case_summary} ${oops")
    draft = letters.letter_draft_create(kind=LetterKind.ESCALATION, actor=supervisor, case_id=overdue_case.pk)

    with pytest.raises(LetterTemplateInvalid):
        letters.letter_issue(draft_id=draft.pk, actor=supervisor, now=ISSUED)
    response = admin_client(supervisor).post(
        f"/api/v1/supervision/drafts/{draft.pk}/issue/", {}, content_type="application/json"
    )

    assert response.status_code == 409 and response.json()["code"] == "letter_template_invalid"
    assert not SupervisionLetter.objects.exists()
    assert not DocumentSequence.objects.filter(last__gt=0).exists()  # no number drawn, so no gap
    assert LetterDraft.objects.get(pk=draft.pk).status == "draft"


def test_values_print_as_written_in_the_pdf_without_markup_or_double_escaping(
    city,
    dispatcher,
    supervisor,
    django_capture_on_commit_callbacks,
):
    from supervision.services import cases

    ticket = platform_ticket(dispatcher, "SD2026030200099", title="A&B <路灯> 不亮 $5")
    case = cases.case_open(actor=supervisor, reason="媒体关注", ticket_id=ticket.pk, now=at(2026, 3, 10, 10))
    with django_capture_on_commit_callbacks(execute=True):
        letter = letters.letter_issue_for_case(
            case_id=case.pk, kind=LetterKind.REMINDER, actor=supervisor, remarks="请核实 <b>加粗</b> & 回复"
        )
    letter.refresh_from_db()
    text = squeeze("".join(p.extract_text() for p in PdfReader(letter.pdf.open("rb")).pages))
    assert squeeze("A&B <路灯> 不亮 $5") in text
    assert squeeze("请核实 <b>加粗</b> & 回复") in text
    assert "&amp;" not in text and "&lt;" not in text
