"""Advice: a declaration first, versions kept, the route on the ticket's record; reading a case is logged."""

import pytest

from arbitration.choices import TicketEventKind
from legal.choices import CaseStatus, LegalRoute, ReadChannel
from legal.errors import ConflictNotDeclared, ConflictOfInterest, NotTheCaseLawyer
from legal.models import Advice, CaseRead
from legal.services import cases
from tests.legal.helpers import AUTHORITIES, advised_case, case_for

pytestmark = pytest.mark.django_db

ADVICE = {"question": "q", "analysis": "a", "authorities": AUTHORITIES, "route": LegalRoute.LAWSUIT, "reply_text": "r"}


def test_advice_before_a_declaration_is_refused_and_writes_nothing(legal_city, desk_lead, lawyer):
    case = case_for(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    with pytest.raises(ConflictNotDeclared):
        cases.advice_create(case_id=case.pk, actor=lawyer, **ADVICE)
    assert not Advice.objects.exists()


def test_a_lawyer_with_a_conflict_may_not_advise(legal_city, desk_lead, lawyer):
    case = case_for(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    cases.conflict_declare(case_id=case.pk, actor=lawyer, has_conflict=True, statement="当事人系本人亲属")
    with pytest.raises(ConflictOfInterest):
        cases.advice_create(case_id=case.pk, actor=lawyer, **ADVICE)
    assert not Advice.objects.exists()


def test_only_the_assigned_lawyer_advises(legal_city, desk_lead, lawyer, other_lawyer):
    case = case_for(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    with pytest.raises(NotTheCaseLawyer):
        cases.conflict_declare(case_id=case.pk, actor=other_lawyer, has_conflict=False, statement="无")


def test_advice_is_structured_and_marks_the_case_advised(legal_city, desk_lead, lawyer, api):
    case = case_for(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    client = api(lawyer)
    declared = client.post(
        f"/api/v1/legal/cases/{case.pk}/declaration/", {"has_conflict": False, "statement": "无利害关系"}, format="json"
    )
    created = client.post(
        f"/api/v1/legal/cases/{case.pk}/advice/",
        {
            "question": "公司拖欠工资",
            "analysis": "属于劳动争议",
            "route": "arbitration",
            "reply_text": "申请仲裁",
            "authorities": [{"law": "中华人民共和国劳动合同法", "article": "第三十条"}],
        },
        format="json",
    )
    assert (declared.status_code, created.status_code) == (201, 201)
    assert created.json()["authorities"] == [{"law": "中华人民共和国劳动合同法", "article": "第三十条"}]
    case.refresh_from_db()
    assert case.status == CaseStatus.ADVISED
    route = case.ticket.events.filter(kind=TicketEventKind.LEGAL_ROUTE, data__step="advice").get()
    assert route.data["route"] == "arbitration"


def test_revised_advice_keeps_every_earlier_version(legal_city, desk_lead, lawyer, api):
    _case, advice = advised_case(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    client = api(lawyer)
    client.patch(f"/api/v1/legal/advice/{advice.pk}/", {"reply_text": "第二版答复", "reason": "补充"}, format="json")
    response = client.patch(
        f"/api/v1/legal/advice/{advice.pk}/",
        {"route": "mediation", "reply_text": "第三版答复", "reason": "改为调解"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["version"] == 3
    versions = client.get(f"/api/v1/legal/advice/{advice.pk}/versions/").json()
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert [v["reply_text"] for v in versions] == ["第三版答复", "第二版答复", "请申请劳动仲裁。"]
    assert versions[0]["reason"] == "改为调解"
    assert Advice.objects.get().history.count() == 3


def test_reading_a_case_is_logged_on_every_channel(client, legal_city, desk_lead, lawyer, api):
    case = case_for(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    client.force_login(lawyer)
    client.get(f"/legal/cases/{case.pk}/")
    api(lawyer).get(f"/api/v1/legal/cases/{case.pk}/")
    client.get(f"/admin/legal/legalcase/{case.pk}/change/")
    reads = list(CaseRead.objects.filter(case=case).order_by("at", "pk").values_list("user__username", "channel"))
    assert reads == [("lawyer_a", ReadChannel.PAGE), ("lawyer_a", ReadChannel.API), ("lawyer_a", ReadChannel.ADMIN)]
    log = api(desk_lead).get(f"/api/v1/legal/cases/{case.pk}/reads/").json()
    assert [row["user"] for row in log] == ["律师甲"] * 3


def test_a_refused_read_is_not_logged_and_the_read_log_is_the_desk_leads(
    legal_city, desk_lead, lawyer, other_lawyer, api
):
    case = case_for(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    assert api(other_lawyer).get(f"/api/v1/legal/cases/{case.pk}/").status_code == 404
    assert not CaseRead.objects.exists()
    assert api(lawyer).get(f"/api/v1/legal/cases/{case.pk}/reads/").status_code == 403
