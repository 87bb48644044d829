"""The monthly topic (每月一题): its life, who sees it, the tickets it gathers and its closing report.

Tickets arrive as the hotline platform sends them: `POST /api/v1/tickets/` or `manage.py import_tickets`.
"""

import io
import json

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from arbitration.calendar import WorkingCalendar
from arbitration.choices import Role
from arbitration.errors import NotFound
from arbitration.models import GrantEvent
from supervision import access
from supervision.choices import TopicStatus, TopicTicketVia
from supervision.errors import ReasonRequired, TopicLeadAlsoCoHandler, TopicMoveRefused, TopicNotWorking
from supervision.models import Topic, TopicReport, TopicTransition
from supervision.services import topics
from tests import factories
from tests.factories import at
from tests.supervision.helpers import platform, post_ticket, ticket_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(db):
    return factories.user("leader", Role.CITY_LEADER, full_name="市领导")


def propose(city, dispatcher, **changes) -> Topic:
    values = {
        "title": "夜市占道经营",
        "matter_id": city["urban_env"].pk,  # the family: 占道经营 below it matches
        "territory_id": city["district_a"].pk,
        "keywords": "摊贩，夜市",
        "rationale": "东湖区夜市摊贩占道投诉连续三个月居首。",
        "source_kind": "hotspot",
        "source_reference": "热点：东湖区 占道经营",
    }
    values.update(changes)
    return topics.topic_propose(actor=dispatcher, **values)


def approve(topic, city, leader, *, now=None, **changes) -> Topic:
    values = {
        "lead_id": city["urban"].pk,
        "co_handler_ids": [city["market"].pk],
        "goal": "夜市摊贩入室经营，占道投诉下降一半。",
        "target_weekly_tickets": 1,
        "working_days": 20,
        "now": now or at(2026, 3, 9, 10),
    }
    values.update(changes)
    return topics.topic_approve(topic_id=topic.pk, actor=leader, **values)


def test_a_topic_goes_from_proposal_to_closing_with_every_move_logged(
    city, dispatcher, leader, liaison_urban, django_capture_on_commit_callbacks
):
    topic = propose(city, dispatcher)
    approve(topic, city, leader)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.APPROVED
    # 20 working days after Monday 9 March 2026, on the working calendar.
    assert topic.deadline == WorkingCalendar.load().add_working_days(at(2026, 3, 9).date(), 20)
    topics.topic_report_submit(topic_id=topic.pk, actor=liaison_urban, text="已摸排摊位42个。", figures={"摊位": 42})
    topics.topic_closing_start(topic_id=topic.pk, actor=dispatcher, reason="期限将至")
    with django_capture_on_commit_callbacks(execute=True):
        topics.topic_close(topic_id=topic.pk, actor=dispatcher, summary="夜市已划定疏导区。", now=at(2026, 4, 10))
    moves = list(TopicTransition.objects.filter(topic=topic).values_list("from_status", "to_status"))
    assert moves == [
        ("", "proposed"),
        ("proposed", "approved"),
        ("approved", "in_progress"),
        ("in_progress", "closing"),
        ("closing", "closed"),
    ]


def test_illegal_moves_are_refused_and_leave_nothing_behind(city, dispatcher, leader, liaison_urban):
    topic = propose(city, dispatcher)
    with pytest.raises(TopicLeadAlsoCoHandler):
        approve(topic, city, leader, co_handler_ids=[city["urban"].pk])
    approve(topic, city, leader)
    with pytest.raises(TopicMoveRefused):
        approve(topic, city, leader)  # approve twice
    with pytest.raises(TopicMoveRefused):
        topics.topic_reject(topic_id=topic.pk, actor=leader, reason="重复")
    with pytest.raises(ReasonRequired):
        topics.topic_closing_start(topic_id=topic.pk, actor=dispatcher, reason=" ")
    topics.topic_closing_start(topic_id=topic.pk, actor=dispatcher, reason="提前结题")
    topics.topic_close(topic_id=topic.pk, actor=dispatcher, summary="完成。", now=at(2026, 3, 20))
    before = TopicReport.objects.count(), TopicTransition.objects.count()
    with pytest.raises(TopicNotWorking):
        topics.topic_report_submit(topic_id=topic.pk, actor=liaison_urban, text="迟到的报告")
    with pytest.raises(TopicMoveRefused):
        topics.topic_closing_start(topic_id=topic.pk, actor=dispatcher, reason="再次")
    assert (TopicReport.objects.count(), TopicTransition.objects.count()) == before


def test_a_rejected_topic_keeps_its_reason_and_gathers_nothing(city, dispatcher, leader):
    topic = propose(city, dispatcher)
    with pytest.raises(ReasonRequired):
        topics.topic_reject(topic_id=topic.pk, actor=leader, reason="")
    topics.topic_reject(topic_id=topic.pk, actor=leader, reason="本月已有同类题目。")
    topic.refresh_from_db()
    assert (topic.status, topic.rejection_reason) == (TopicStatus.REJECTED, "本月已有同类题目。")
    assert not topics.topics_gather_arrivals(list(factories.ticket(city) for _ in range(1)))


def test_the_lead_and_co_handlers_liaisons_see_the_topic_and_only_the_lead_reports(
    city, dispatcher, leader, liaison_urban, liaison_market
):
    housing_liaison = factories.user("liaison_housing", Role.LIAISON, departments=(city["housing"],))
    topic = propose(city, dispatcher)
    # Before approval no department is named: no liaison sees it.
    for liaison in (liaison_urban, liaison_market):
        with pytest.raises(NotFound):
            access.topic_get_for(user=liaison, topic_id=topic.pk)
    approve(topic, city, leader)
    assert access.topic_get_for(user=liaison_urban, topic_id=topic.pk) == topic
    assert access.topic_get_for(user=liaison_market, topic_id=topic.pk) == topic
    with pytest.raises(NotFound):
        access.topic_get_for(user=housing_liaison, topic_id=topic.pk)
    assert access.may_report_topic(liaison_urban, topic)
    assert not access.may_report_topic(liaison_market, topic)
    granted = set(
        GrantEvent.objects.filter(object_key=f"supervision.topic:{topic.pk}").values_list("user_id", "permission")
    )
    assert granted == {
        (liaison_urban.pk, "supervision.view_topic"),
        (liaison_urban.pk, "supervision.report_topic"),
        (liaison_market.pk, "supervision.view_topic"),
    }
    assert access.may_decide_topic(leader) and not access.may_decide_topic(dispatcher)
    assert access.may_propose_topic(dispatcher) and not access.may_propose_topic(leader)


def test_the_topic_gathers_its_look_back_tickets_and_those_arriving_through_the_api(
    city, dispatcher, leader, django_capture_on_commit_callbacks
):
    client = platform(dispatcher)
    post_ticket(client, "OLD1", day=2, content="夜市摊贩占道")  # in the look-back window, matches
    post_ticket(client, "OLD2", day=3, content="路灯不亮")  # no key word
    post_ticket(client, "OLD3", day=4, content="夜市摊贩", territory="370811001001")  # the other district
    topic = propose(city, dispatcher)
    approve(topic, city, leader, now=at(2026, 3, 9, 10))
    post_ticket(client, "NEW1", day=10, content="楼下摊贩又来了")
    post_ticket(client, "NEW2", day=11, content="噪音扰民")
    post_ticket(
        client, "NEW3", day=12, matter="010102", content="夜市摊贩卖的食品变质"
    )  # 食品安全 is under 市容环境 too
    joined = dict(topic.memberships.values_list("ticket__hotline_no", "via"))
    assert joined == {
        "OLD1": TopicTicketVia.LOOKBACK,
        "NEW1": TopicTicketVia.ARRIVAL,
        "NEW3": TopicTicketVia.ARRIVAL,
    }


def test_the_topic_gathers_tickets_arriving_through_import_tickets(city, dispatcher, leader, tmp_path):
    topic = propose(city, dispatcher, keywords="")
    approve(topic, city, leader, now=at(2026, 3, 9, 10))
    path = tmp_path / "tickets.jsonl"
    payloads = [
        ticket_payload("IMP1", day=10),
        ticket_payload("IMP2", day=11, territory="370811001001"),
        ticket_payload("IMP3", day=12),
    ]
    path.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in payloads), encoding="utf-8")
    call_command("import_tickets", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert set(topic.tickets.values_list("hotline_no", flat=True)) == {"IMP1", "IMP3"}


def pdf_text(report) -> str:
    report.refresh_from_db()
    return "".join(page.extract_text() for page in PdfReader(report.pdf.open("rb")).pages).replace("\n", "")


def test_the_closing_report_pdf_shows_its_number_and_the_before_after_figures(
    city, dispatcher, leader, liaison_urban, django_capture_on_commit_callbacks
):
    client = platform(dispatcher)
    # Before (look-back of 14 days before 16 March): four tickets, two from the same caller.
    for number, day, phone in (("B1", 2, "13800000001"), ("B2", 3, "13800000001"), ("B3", 5, "13800000003"),
                               ("B4", 9, "13800000004")):  # fmt: skip
        post_ticket(client, number, day=day, content="夜市摊贩占道", citizen_phone=phone)
    topic = propose(city, dispatcher, lookback_days=14)
    approve(topic, city, leader, now=at(2026, 3, 16, 8), target_weekly_tickets=1)
    post_ticket(client, "A1", day=20, content="夜市摊贩", citizen_phone="13800000009")
    topics.topic_report_submit(topic_id=topic.pk, actor=liaison_urban, text="疏导区建成。")
    topics.topic_closing_start(topic_id=topic.pk, actor=dispatcher, reason="到期")
    with django_capture_on_commit_callbacks(execute=True):
        topics.topic_close(topic_id=topic.pk, actor=dispatcher, summary="占道投诉明显下降。", now=at(2026, 3, 30, 10))
    report = topic.closing_report
    assert report.data["figures"] == {
        "before": {"tickets": 4, "per_week": 2.0, "repeat_rate": 0.5, "disputes": 0},
        "after": {"tickets": 1, "per_week": 0.5, "repeat_rate": 0.0, "disputes": 0},
    }
    text = pdf_text(report)
    assert report.document_number.startswith("明责题〔2026〕") and report.document_number in text
    assert "立项前14天内共4件，每周2.0件" in text
    assert "共1件，每周0.5件" in text
    assert "立项前重复来电工单占比50.0%" in text
    assert "目标已达成" in text


def test_topic_pages_by_role(city, dispatcher, leader, liaison_urban, outsider, calendar_for_the_coming_weeks):
    from tests.supervision.helpers import client_for

    response = client_for(dispatcher).post(
        "/supervision/topics/",
        {"title": "夜市占道", "matter": city["stall"].pk, "rationale": "投诉集中", "keywords": "摊贩"},
    )
    topic = Topic.objects.get(title="夜市占道")
    assert response.status_code == 302 and topic.proposed_by == dispatcher
    # A bad form is refused with its errors (400, the form-refused page), and writes nothing.
    bad = client_for(leader).post(f"/supervision/topics/{topic.pk}/approve/", {"goal": "", "working_days": 0})
    assert (
        bad.status_code == 400
        and "表单未被接受" in bad.content.decode()
        and Topic.objects.get(pk=topic.pk).status == TopicStatus.PROPOSED
    )
    client_for(leader).post(
        f"/supervision/topics/{topic.pk}/approve/",
        {"lead": city["urban"].pk, "goal": "下降一半", "working_days": 20, "target_weekly_tickets": 2},
    )
    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.APPROVED
    page = client_for(liaison_urban).get(f"/supervision/topics/{topic.pk}/")
    assert page.status_code == 200 and "进展报告" in page.content.decode()
    client_for(liaison_urban).post(
        f"/supervision/topics/{topic.pk}/report/", {"text": "已清理摊位", "figures": "清理摊位 = 12"}
    )
    assert TopicReport.objects.get(topic=topic).figures == {"清理摊位": 12.0}
    assert client_for(outsider).get(f"/supervision/topics/{topic.pk}/").status_code == 404
    assert client_for(dispatcher).get("/supervision/topics/").status_code == 200
    # A liaison may not approve: refused, nothing changes.
    client_for(liaison_urban).post(f"/supervision/topics/{topic.pk}/reject/", {"reason": "x"})
    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.IN_PROGRESS


def test_a_topic_and_its_grants_follow_its_lead_department_into_a_merger(city, dispatcher, leader, administrator):
    from django.utils import timezone

    from arbitration.choices import DepartmentKind, ReorganisationKind
    from arbitration.services.reorganisation import (
        reorganisation_approve,
        reorganisation_carry_out,
        reorganisation_plan,
    )

    target = factories.department("ZHZF", "市综合行政执法局", DepartmentKind.BUREAU)
    newcomer = factories.user("liaison_zhzf", Role.LIAISON, departments=(target,))
    topic = approve(propose(city, dispatcher), city, leader, co_handler_ids=[city["housing"].pk])
    with pytest.raises(NotFound):
        access.topic_get_for(user=newcomer, topic_id=topic.pk)
    plan = reorganisation_plan(
        actor=administrator,
        kind=ReorganisationKind.MERGE,
        title="城管并入综合执法局",
        basis="明编〔2026〕4号",
        effective_on=timezone.localdate(),
        moves=[(city["urban"].pk, target.pk, None)],
    )
    reorganisation_approve(reorganisation_id=plan.pk, actor=administrator)
    reorganisation_carry_out(reorganisation_id=plan.pk, actor=administrator)

    topic.refresh_from_db()
    assert topic.lead == target
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)  # fresh: no cached permissions
    assert access.topic_get_for(user=newcomer, topic_id=topic.pk) == topic
    assert access.may_report_topic(newcomer, topic)
    events = GrantEvent.objects.filter(object_key=f"supervision.topic:{topic.pk}", user_id=newcomer.pk)
    assert set(events.values_list("permission", "reason")) == {
        ("supervision.view_topic", "城管并入综合执法局"),
        ("supervision.report_topic", "城管并入综合执法局"),
    }


def test_topic_api_by_role_with_refusals_in_chinese(
    city, dispatcher, leader, liaison_urban, outsider, calendar_for_the_coming_weeks, django_capture_on_commit_callbacks
):
    api = "/api/v1/supervision/topics/"
    proposed = platform(dispatcher).post(
        api, {"title": "夜市占道", "matter_id": city["stall"].pk, "rationale": "投诉集中"}, format="json"
    )
    assert proposed.status_code == 201
    pk = proposed.json()["id"]
    assert (
        platform(leader).post(api, {"title": "x", "matter_id": city["stall"].pk, "rationale": "x"}).status_code == 403
    )
    approve_url = f"{api}{pk}/approve/"
    same = {"lead_id": city["urban"].pk, "co_handler_ids": [city["urban"].pk], "goal": "下降", "working_days": 5}
    refused = platform(leader).post(approve_url, same, format="json")
    assert refused.status_code == 400 and refused.json()["message"] == "牵头单位不能同时为协办单位。"
    assert platform(dispatcher).post(approve_url, {**same, "co_handler_ids": []}, format="json").status_code == 403
    assert platform(leader).post(approve_url, {**same, "co_handler_ids": []}, format="json").status_code == 200
    assert platform(leader).post(approve_url, {**same, "co_handler_ids": []}, format="json").status_code == 409
    assert platform(liaison_urban).get(f"{api}{pk}/").status_code == 200
    assert platform(outsider).get(f"{api}{pk}/").status_code == 404
    report = platform(liaison_urban).post(
        f"{api}{pk}/reports/", {"text": "已清理", "figures": {"摊位": 3}}, format="json"
    )
    assert report.status_code == 201
    platform(dispatcher).post(f"{api}{pk}/closing/", {"reason": "到期"}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        closed = platform(dispatcher).post(f"{api}{pk}/close/", {"summary": "完成"}, format="json")
    assert closed.status_code == 200 and closed.json()["closing_report_number"].startswith("明责题")
    pdf = platform(liaison_urban).get(f"{api}{pk}/closing-report/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    late = platform(liaison_urban).post(f"{api}{pk}/reports/", {"text": "补充"}, format="json")
    assert late.status_code == 409 and "仅在办理期间可报送进展" in late.json()["message"]
