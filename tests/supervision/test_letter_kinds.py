"""Each kind of letter says what its kind says (docs/letters.md): the PDF, read back, shows the kind's own required
elements and none of another kind's; an interview notice is not issued without its arrangements.

Tickets arrive as the hotline platform sends them (POST /api/v1/tickets/); cases, scorecards, referrals and letters
are made through the public services and API."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from arbitration.choices import Role
from arbitration.models import DocumentSequence
from supervision.choices import LetterKind, LetterStatus, PeriodKind
from supervision.errors import InterviewDetailsMissing, InterviewNotAhead, LetterSubjectMissing
from supervision.models import LetterDraft, Scorecard, SupervisionLetter
from supervision.services import cases, letters, referrals, scorecards
from supervision.texts.facts import Interview, rate_figure
from tests import factories
from tests.factories import at
from tests.supervision.helpers import client_for
from tests.supervision.letter_helpers import ISSUED, overdue_case_opened, pdf_text, platform_ticket, squeeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_case(city, dispatcher):
    return overdue_case_opened(dispatcher)


ARRANGED = Interview(
    at=at(2026, 3, 20, 9, 30),
    place="市政府三号楼302会议室",
    attendees="单位主要负责同志及分管负责同志",
    materials="书面整改报告及典型工单办理台账",
)

# Words only one kind's default text uses: each PDF must show its own and no other kind's.
MARKERS = {
    LetterKind.REMINDER: "办理时限为",
    LetterKind.ESCALATION: "现予督办",
    LetterKind.WARNING: "按时办结率",
    LetterKind.INTERVIEW: "约谈地点",
    LetterKind.REFERRAL: "卷宗",
}


@pytest.fixture
def scorecard(city, dispatcher):
    """March 2026 for the bureaus: the urban bureau held one ticket and answered none (the market bureau two)."""
    platform_ticket(dispatcher, "SD2026030200011")
    platform_ticket(dispatcher, "SD2026030200012", department="SJJ")
    platform_ticket(dispatcher, "SD2026030200013", department="SJJ")
    scorecards.scorecards_compute(period_kind=PeriodKind.MONTH, period_start=dt.date(2026, 3, 1))
    return Scorecard.objects.get(department=city["urban"], period_kind=PeriodKind.MONTH)


def scorecard_draft(card: Scorecard, kind: str, supervisor) -> LetterDraft:
    """The scorecard's draft of this kind, drafted once whoever drafts it first (the scorecards or a person)."""
    return letters.letter_draft_for_scorecard(scorecard=card, kind=kind, actor=supervisor) or LetterDraft.objects.get(
        scorecard=card, kind=kind, status=LetterStatus.DRAFT
    )


def issue(draft: LetterDraft, supervisor, capture, **choices) -> SupervisionLetter:
    with capture(execute=True):  # the PDF is rendered after commit
        return letters.letter_issue(draft_id=draft.pk, actor=supervisor, now=ISSUED, **choices)


def assert_only_its_own_markers(kind: str, text: str) -> None:
    assert MARKERS[kind] in text
    for other, marker in MARKERS.items():
        if other != kind:
            assert marker not in text, (kind, marker)


def test_a_reminder_names_the_ticket_its_time_limit_and_when_it_ran_out(
    overdue_case, supervisor, django_capture_on_commit_callbacks
):
    draft = letters.letter_draft_create(kind=LetterKind.REMINDER, actor=supervisor, case_id=overdue_case.pk)
    text = pdf_text(issue(draft, supervisor, django_capture_on_commit_callbacks))

    for element in (
        "关于催促办理12345热线工单的通知",
        "市城市管理局：",
        "工单SD2026030200001（占道经营）",
        "办理时限为5个工作日",
        "已于2026年3月9日17时30分届满",
        "截至发文时已超期3个工作日",  # the 10th, 11th and 12th: working days counted by the calendar
    ):
        assert element in text, element
    assert_only_its_own_markers(LetterKind.REMINDER, text)


def test_an_escalation_letter_states_the_case_its_rung_what_is_required_and_the_answer_date(
    overdue_case, supervisor, django_capture_on_commit_callbacks
):
    cases.case_raise(case_id=overdue_case.pk, actor=supervisor, reason="超期较长")
    draft = letters.letter_draft_create(kind=LetterKind.ESCALATION, actor=supervisor, case_id=overdue_case.pk)
    text = pdf_text(issue(draft, supervisor, django_capture_on_commit_callbacks))

    for element in (
        "关于督促办理12345热线工单的督办函",
        "你单位承办的12345热线工单SD2026030200001（占道经营），已超出办理时限仍未办结",
        "该问题已于2026年3月10日列入督办，现为重点督办",  # the rung the case stands on when the letter is issued
        "立即组织办理，尽快办结并答复群众",
        "请于2026年3月19日前将办理情况书面反馈",  # five working days after the 12th
    ):
        assert element in text, element
    assert_only_its_own_markers(LetterKind.ESCALATION, text)


def test_a_warning_letter_names_the_figures_that_triggered_it(
    scorecard, supervisor, django_capture_on_commit_callbacks
):
    draft = scorecard_draft(scorecard, LetterKind.WARNING, supervisor)
    text = pdf_text(issue(draft, supervisor, django_capture_on_commit_callbacks))

    for element in (
        "关于12345热线办理工作的预警函",
        "根据2026年3月12345热线办理工作考核结果",
        f"服务指数为{scorecard.service_index:.2f}分",
        f"在同类单位（市直部门，共{scorecard.group_size}家）中排名第{scorecard.rank}位",
        f"按时响应率{rate_figure(scorecard.response_rate)}",
        f"按时办结率{rate_figure(scorecard.on_time_rate)}",
        f"及时反馈率{rate_figure(scorecard.feedback_rate)}",
        f"满意率{rate_figure(scorecard.satisfaction_rate)}",
    ):
        assert element in text, element
    assert "及时反馈率暂无数据" in text  # nothing handled yet: feedback is not yet known, not a failure
    assert "SD2026030200011" not in text  # a warning is about the department's figures, not a ticket
    assert_only_its_own_markers(LetterKind.WARNING, text)


def test_an_interview_notice_has_its_time_place_attendees_and_materials(
    scorecard, supervisor, django_capture_on_commit_callbacks
):
    draft = scorecard_draft(scorecard, LetterKind.INTERVIEW, supervisor)
    text = pdf_text(issue(draft, supervisor, django_capture_on_commit_callbacks, interview=ARRANGED))

    for element in (
        "关于约谈单位主要负责同志的通知",
        f"服务指数为{scorecard.service_index:.2f}分，低于80分",
        "约谈时间：2026年3月20日9时30分",
        "约谈地点：市政府三号楼302会议室",
        "参加人员：单位主要负责同志及分管负责同志",
        "需携带材料：书面整改报告及典型工单办理台账",
    ):
        assert element in text, element
    assert_only_its_own_markers(LetterKind.INTERVIEW, text)


def test_a_referral_letter_goes_to_the_discipline_commission_and_lists_the_dossier(
    overdue_case, supervisor, django_capture_on_commit_callbacks
):
    liaison = factories.user("jiwei", Role.DISCIPLINE_LIAISON, full_name="纪委联络员")
    referral = referrals.referral_create(ticket_id=overdue_case.ticket_id, actor=supervisor, reason="久拖不办")
    with django_capture_on_commit_callbacks(execute=True):  # the letter and the dossier render after commit
        referrals.referral_send(referral_id=referral.pk, liaison_id=liaison.pk, actor=supervisor)

    referral.refresh_from_db()
    letter = SupervisionLetter.objects.get(referral=referral)
    text = pdf_text(letter)
    dossier_pages = len(PdfReader(referral.dossier_pdf.open("rb")).pages)
    timeline = len(referral.dossier_data["timeline"])
    assert letter.addressee == "明州市纪委监委" and letter.department is None
    for element in (
        "关于移送12345热线工单问题线索的函",
        "明州市纪委监委：",
        "工单SD2026030200001（占道经营）",
        "存在以下问题：久拖不办（督办人员移送）",
        "涉及工单1件",
        f"共{dossier_pages}页",  # the stored dossier's own page count
        "工单基本情况",
        f"办理过程记录{timeline}条",
        f"涉及单位{len(referral.dossier_data['departments'])}个",
        f"附件：{referral.dossier_data['title']}（共{dossier_pages}页）",
    ):
        assert squeeze(element) in text, element
    assert_only_its_own_markers(LetterKind.REFERRAL, text)


def test_a_kind_is_drafted_only_from_what_it_speaks_about(city, overdue_case, supervisor):
    department_case = cases.case_open(actor=supervisor, reason="无理退单", department_id=city["market"].pk)
    refused = (
        (LetterKind.WARNING, overdue_case.pk),  # a warning letter speaks of a scorecard
        (LetterKind.REFERRAL, overdue_case.pk),  # a referral letter of a referral and its dossier
        (LetterKind.REMINDER, department_case.pk),  # a reminder names tickets; this case has none
    )
    for kind, case_id in refused:
        with pytest.raises(LetterSubjectMissing):
            letters.letter_draft_create(kind=kind, actor=supervisor, case_id=case_id)
    assert not LetterDraft.objects.filter(kind__in=[LetterKind.WARNING, LetterKind.REFERRAL]).exists()

    response = client_for(supervisor).post(
        f"/api/v1/supervision/cases/{overdue_case.pk}/letters/", {"kind": "warning"}, content_type="application/json"
    )
    assert response.status_code == 400  # not a kind a case's page or API offers
    page = client_for(supervisor).post(
        f"/supervision/cases/{overdue_case.pk}/letter/", {"kind": "no-such-kind"}, HTTP_REFERER="/", follow=True
    )
    assert page.status_code == 400 and "表单未被接受" in page.content.decode()  # a form error in zh-Hans, not a 500
    assert "not one of" not in page.content.decode()
    assert not LetterDraft.objects.filter(case=overdue_case).exclude(kind=LetterKind.ESCALATION).exists()


# --- the interview notice's arrangements -------------------------------------------------------------------------
@pytest.fixture
def interview_draft(overdue_case, supervisor):
    return letters.letter_draft_create(kind=LetterKind.INTERVIEW, actor=supervisor, case_id=overdue_case.pk)


def nothing_issued(draft: LetterDraft) -> bool:
    draft.refresh_from_db()
    return (
        draft.status == LetterStatus.DRAFT
        and not SupervisionLetter.objects.exists()
        and not DocumentSequence.objects.filter(kind=LetterKind.INTERVIEW, last__gt=0).exists()
    )


@pytest.mark.parametrize(
    "arrangements",
    [
        Interview(),
        Interview(at=ARRANGED.at, attendees=ARRANGED.attendees, materials=ARRANGED.materials),  # no place
        Interview(place=ARRANGED.place, attendees=ARRANGED.attendees, materials=ARRANGED.materials),  # no time
        Interview(at=ARRANGED.at, place=ARRANGED.place, attendees="  ", materials=ARRANGED.materials),
    ],
)
def test_an_interview_notice_without_its_arrangements_is_refused_by_the_service(
    interview_draft, supervisor, arrangements
):
    with pytest.raises(InterviewDetailsMissing):
        letters.letter_issue(draft_id=interview_draft.pk, actor=supervisor, now=ISSUED, interview=arrangements)
    assert nothing_issued(interview_draft)


def test_an_interview_set_before_the_notice_is_refused(interview_draft, supervisor):
    past = Interview(at=at(2026, 3, 11, 9), place="会议室", attendees="负责人", materials="报告")
    with pytest.raises(InterviewNotAhead):
        letters.letter_issue(draft_id=interview_draft.pk, actor=supervisor, now=ISSUED, interview=past)
    assert nothing_issued(interview_draft)


def test_the_api_answers_400_for_an_interview_notice_without_time_and_place_and_201_with_them(
    interview_draft, supervisor
):
    api = client_for(supervisor)
    url = f"/api/v1/supervision/drafts/{interview_draft.pk}/issue/"
    refused = api.post(url, {"attendees": "主要负责同志", "materials": "整改报告"}, content_type="application/json")

    assert refused.status_code == 400
    assert refused.json()["code"] == "interview_details_missing"
    assert "约谈通知" in refused.json()["message"]  # zh-Hans, naming what is missing
    assert nothing_issued(interview_draft)

    issued = api.post(
        url,
        {
            "interview_at": "2099-03-20T09:30:00+08:00",
            "interview_place": ARRANGED.place,
            "attendees": ARRANGED.attendees,
            "materials": ARRANGED.materials,
        },
        content_type="application/json",
    )
    assert issued.status_code == 201, issued.content
    assert any("约谈地点：市政府三号楼302会议室" in p for p in issued.json()["paragraphs"])


def test_the_pages_refuse_an_interview_notice_without_time_and_place(overdue_case, interview_draft, supervisor):
    client = client_for(supervisor)
    draft_page = f"/supervision/drafts/{interview_draft.pk}/"
    response = client.post(
        draft_page, {"action": "issue", "attendees": "主要负责同志", "materials": "整改报告"}, follow=True
    )
    assert "约谈通知需写明约谈时间、地点、参加人员和需携带的材料" in response.content.decode()
    response = client.post(
        f"/supervision/cases/{overdue_case.pk}/letter/", {"kind": "interview"}, HTTP_REFERER="/", follow=True
    )
    assert "约谈通知需写明约谈时间、地点、参加人员和需携带的材料" in response.content.decode()
    assert nothing_issued(interview_draft)
    assert LetterDraft.objects.filter(kind=LetterKind.INTERVIEW).count() == 1  # the case page's draft rolled back


def test_the_draft_page_previews_the_letter_and_issues_it_with_the_supervisors_remarks(scorecard, supervisor):
    draft = scorecard_draft(scorecard, LetterKind.WARNING, supervisor)
    client = client_for(supervisor)
    page = client.get(f"/supervision/drafts/{draft.pk}/").content.decode()
    assert f"服务指数为{scorecard.service_index:.2f}分" in page
    api = client.get(f"/api/v1/supervision/drafts/{draft.pk}/preview/").json()
    assert api["title"] == "关于12345热线办理工作的预警函"
    assert any(f"按时办结率{rate_figure(scorecard.on_time_rate)}" in paragraph for paragraph in api["paragraphs"])

    previewed = client.post(f"/supervision/drafts/{draft.pk}/", {"action": "preview", "remarks": "请于月底前约谈"})
    assert "请于月底前约谈" in previewed.content.decode()
    assert not SupervisionLetter.objects.exists()  # a preview writes nothing

    issued = client.post(f"/supervision/drafts/{draft.pk}/", {"action": "issue", "remarks": "请于月底前约谈"})
    letter = SupervisionLetter.objects.get()
    assert issued.url == f"/supervision/letters/{letter.pk}/"
    assert letter.data["paragraphs"][-1] == "请于月底前约谈"
    assert letter.data["facts"]["service_index"] == f"{scorecard.service_index:.2f}"
