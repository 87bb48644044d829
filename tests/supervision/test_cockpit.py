"""The leader's cockpit: figures on known data, drill-down to exactly the counted tickets, who may open it, the
dispute network's ring, the daily report PDF and the public rankings (docs/cockpit.md).

Tickets arrive through the intake API and change through the services, as in production; the daily counts follow
them after each commit (django_capture_on_commit_callbacks runs what the commit would run).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from arbitration.choices import AssignmentRole, Role
from arbitration.models import BounceReason, Ticket
from arbitration.services.bounces import bounce_create
from supervision.choices import AlertStatus, PeriodKind, PeriodStatus
from supervision.cockpit.catalogue import catalogue_health_record
from supervision.models import CatalogueHealth, DailyReport, MonthlyReport, ScorePeriod, SurgeAlert, series_key
from supervision.services import topics
from supervision.services.reports import daily_report_issue, monthly_report_issue
from supervision.services.scorecards import scorecards_compute, scorecards_publish
from tests import factories
from tests.supervision import score_month

pytestmark = pytest.mark.django_db

API = "/api/v1/supervision/cockpit/"
PERIOD = {"first": "2026-03-01", "last": "2026-03-31"}
NUMBER = re.compile(r"CK\d{4}")


@pytest.fixture
def leader(db):
    return factories.user("leader", Role.CITY_LEADER)


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def receive(client, number: str, *, day: int, place: str, matter: str = "010101", lead: str | None = None, **extra):
    payload = {
        "hotline_no": number,
        "received_at": f"2026-03-{day:02d}T09:00:00+08:00",
        "request_type": "complaint",
        "matter": matter,
        "territory": place,
        "title": "诉求",
        "content": "内容",
        **extra,
    }
    if lead:
        payload["dispatched_to"] = lead
    assert client.post("/api/v1/tickets/", payload, format="json").status_code == 201, payload


@pytest.fixture
def known_month(city, dispatcher, django_capture_on_commit_callbacks):
    """Five tickets in March 2026: three in district A (two of them stalls), two in district B; one the year before."""
    client = client_for(dispatcher)
    with django_capture_on_commit_callbacks(execute=True):
        receive(client, "CK0001", day=2, place="370802001001", lead="CGJ", channel="phone")
        receive(client, "CK0002", day=2, place="370802001", lead="CGJ", channel="web")
        receive(client, "CK0003", day=9, place="370802", matter="010102", lead="SJJ", channel="phone")
        receive(client, "CK0004", day=9, place="370811001001", lead="SJJ", channel="phone")
        receive(client, "CK0005", day=16, place="370811", channel="app")
        receive(client, "CK0099", day=2, place="370811", channel="phone", received_at="2025-03-02T09:00:00+08:00")
    return client


def listed(response) -> set[str]:
    return set(NUMBER.findall(response.content.decode()))


# --- figures -----------------------------------------------------------------------------------------------------
def test_the_cockpit_counts_a_known_month_by_channel_place_matter_and_lead(known_month, leader, city):
    body = client_for(leader).get(API, {**PERIOD, "grain": "week"}).json()

    assert body["total"] == 5
    assert sum(row["tickets"] for row in body["trend"]) == 5
    assert sum(row["last_year"] for row in body["trend"]) == 1  # 2025-03-02, in the same week of the calendar
    channels = {row["key"]: row["tickets"] for row in body["breakdowns"]["channel"]}
    assert channels == {"phone": 3, "web": 1, "app": 1}
    districts = {row["key"]: row["tickets"] for row in body["breakdowns"]["district"]}
    assert districts == {"370802": 3, "370811": 2}
    leads = {row["label"]: row["tickets"] for row in body["breakdowns"]["department"]}
    assert leads == {city["urban"].name: 2, city["market"].name: 2}
    matters = {row["label"]: row["tickets"] for row in body["breakdowns"]["matter"]}
    assert matters == {city["urban_family"].name: 5}  # both matters belong to one family


def test_the_heat_map_drills_from_districts_to_streets(known_month, leader):
    client = client_for(leader)
    by_district = client.get(f"{API}heat-map/", PERIOD).json()
    by_street = client.get(f"{API}heat-map/", {**PERIOD, "district": "370802"}).json()

    assert {cell["place"]: cell["tickets"] for cell in by_district["cells"]} == {"370802": 3, "370811": 2}
    # Of district A's three tickets two are in its street; the third was filed against the district itself.
    assert {cell["place"]: cell["tickets"] for cell in by_street["cells"]} == {"370802001": 2}


# --- drill-down --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("breakdown", "key", "expected"),
    [
        ("district", "370802", {"CK0001", "CK0002", "CK0003"}),
        ("channel", "phone", {"CK0001", "CK0003", "CK0004"}),
        ("department", None, {"CK0001", "CK0002"}),  # the city management bureau leads these two now
    ],
)
def test_a_figure_drills_down_to_exactly_the_tickets_it_counts(known_month, leader, city, breakdown, key, expected):
    client = client_for(leader)
    rows = client.get(API, PERIOD).json()["breakdowns"][breakdown]
    row = next(r for r in rows if r["key"] == (key if key is not None else city["urban"].pk))

    shown = listed(client.get(row["url"]))

    assert shown == expected
    assert len(shown) == row["tickets"]


def test_a_trend_bucket_drills_down_to_its_days_tickets(known_month, leader):
    client = client_for(leader)
    trend = client.get(API, PERIOD).json()["trend"]
    second_of_march = next(row for row in trend if row["start"] == "2026-03-02")

    assert listed(client.get(second_of_march["url"])) == {"CK0001", "CK0002"}


def test_a_redispatch_moves_the_ticket_between_leads_in_the_counts_and_the_drill_down(
    known_month, leader, dispatcher, city, django_capture_on_commit_callbacks
):
    from arbitration.services.dispatch import ticket_dispatch

    ticket = Ticket.objects.get(hotline_no="CK0001")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_dispatch(
            ticket_id=ticket.pk,
            lead_department_id=city["housing"].pk,
            actor=dispatcher,
            reason="改派",
            override_reason="测试",
        )
    client = client_for(leader)
    rows = {r["key"]: r for r in client.get(API, PERIOD).json()["breakdowns"]["department"]}

    assert rows[city["urban"].pk]["tickets"] == 1
    assert listed(client.get(rows[city["housing"].pk]["url"])) == {"CK0001"}


# --- who may open it ---------------------------------------------------------------------------------------------
def test_a_liaison_cannot_open_the_cockpit_while_a_leader_can(known_month, leader, liaison_urban):
    for path in (API, f"{API}network/", f"{API}heat-map/"):
        assert client_for(liaison_urban).get(path).status_code == 403
        assert client_for(leader).get(path).status_code == 200
    assert client_for(liaison_urban).get("/supervision/cockpit/").status_code == 403
    assert client_for(leader).get("/supervision/cockpit/").status_code == 200
    assert client_for(None).get(API).status_code in (401, 403)


def test_the_leaders_home_is_the_cockpit(leader, dispatcher):
    assert client_for(leader).get("/").url == "/supervision/cockpit/"
    assert client_for(dispatcher).get("/").status_code == 200  # everyone else keeps their cards


def test_a_bad_period_is_refused_with_a_message_not_a_failure(leader):
    response = client_for(leader).get(API, {"first": "2026-03-31", "last": "2026-03-01"})
    assert response.status_code == 400
    assert client_for(leader).get(API, {"first": "not a day"}).status_code == 400
    page = client_for(leader).get("/supervision/cockpit/", {"first": "2026-03-31", "last": "2026-03-01"})
    assert page.status_code == 200


# --- the dispute network -----------------------------------------------------------------------------------------
def test_the_network_finds_a_ring_of_three_departments_passing_tickets_around(
    city, dispatcher, leader, django_capture_on_commit_callbacks
):
    reason = BounceReason.objects.filter(is_active=True).first()
    names = ["urban", "market", "housing"]
    liaisons = {name: factories.user(f"ring_{name}", Role.LIAISON, departments=(city[name],)) for name in names}
    client = client_for(dispatcher)
    today = timezone.localdate()
    for position, name in enumerate(names):
        proposed = city[names[(position + 1) % 3]]
        with django_capture_on_commit_callbacks(execute=True):
            receive(client, f"CK10{position}{position}", day=2, place="370802001001", lead=city[name].code)
            ticket = Ticket.objects.get(hotline_no=f"CK10{position}{position}")
            lead = ticket.assignments.get(role=AssignmentRole.LEAD, ended_at=None)
            bounce_create(
                assignment_id=lead.pk,
                actor=liaisons[name],
                reason_id=reason.pk,
                explanation="非本单位职责",
                basis="三定方案",
                basis_document="编办〔2026〕1号",
                proposed_department_id=proposed.pk,
            )

    network = client_for(leader).get(f"{API}network/", {"first": today.isoformat(), "last": today.isoformat()}).json()

    ring = sorted(city[name].pk for name in names)
    assert [sorted(r["departments"]) for r in network["rings"]] == [ring]
    assert network["clusters"] == [ring]
    assert {edge["weight"] for edge in network["edges"]} == {1}


# --- reports -----------------------------------------------------------------------------------------------------
def test_the_daily_report_is_a_numbered_pdf_with_the_days_figures(
    known_month, leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = daily_report_issue(day=dt.date(2026, 3, 2))
    again = daily_report_issue(day=dt.date(2026, 3, 2))
    report.refresh_from_db()

    text = "".join(page.extract_text() for page in PdfReader(report.pdf.open("rb")).pages).replace(" ", "")
    assert again.pk == report.pk and DailyReport.objects.count() == 1
    assert report.document_number.startswith("明责报〔")
    assert report.document_number.replace(" ", "") in text
    assert "当日受理群众诉求2件" in text
    register = client_for(leader).get("/supervision/reports/")
    assert report.document_number in register.content.decode()
    pdf = client_for(leader).get(f"/supervision/reports/daily/{report.pk}/pdf/")
    assert pdf.status_code == 200


def test_the_report_register_is_closed_to_a_liaison(known_month, liaison_urban):
    assert client_for(liaison_urban).get("/supervision/reports/").status_code == 404


def test_the_issue_daily_report_command_issues_yesterdays_report(known_month):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("issue_daily_report", "--day", "2026-03-09", stdout=out)
    assert DailyReport.objects.get().day == dt.date(2026, 3, 9)


def pdf_text(document) -> str:
    document.refresh_from_db()
    return "".join(page.extract_text() for page in PdfReader(document.pdf.open("rb")).pages).replace(" ", "")


def test_the_monthly_bulletin_is_scheduled_and_issued_once_for_the_month_just_ended(
    known_month, leader, django_capture_on_commit_callbacks
):
    from django.conf import settings

    from supervision.tasks import monthly_report_issue_task

    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("monthly_report_issue_task"))
    with django_capture_on_commit_callbacks(execute=True):
        number = monthly_report_issue_task.apply().get()
    again = monthly_report_issue_task.apply().get()

    report = MonthlyReport.objects.get()
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert entry["schedule"].day_of_month == {1}
    assert again == number == report.document_number and report.month == last_month
    assert f"12345热线工作月度通报（{last_month.year}年{last_month.month}月）" in pdf_text(report)
    register = client_for(leader).get("/supervision/reports/").content.decode()
    assert number in register and f"/supervision/reports/monthly/{report.pk}/pdf/" in register
    assert client_for(leader).get(f"/supervision/reports/monthly/{report.pk}/pdf/").status_code == 200


def test_the_monthly_bulletin_counts_the_whole_month(known_month, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = monthly_report_issue(month=dt.date(2026, 3, 20))

    text = pdf_text(report)
    assert report.month == dt.date(2026, 3, 1)
    assert "本月受理群众诉求5件" in text and "去年同期1件" in text


def test_the_catalogue_health_is_counted_once_a_day(city):
    first = catalogue_health_record()
    second = catalogue_health_record()
    assert first.pk == second.pk and CatalogueHealth.objects.count() == 1


def test_the_public_page_shows_only_published_quarterly_rankings(city, tmp_path, supervisor):
    factories.department(*score_month.ENVIRONMENT)
    score_month.import_month(tmp_path)
    scorecards_compute(period_kind=PeriodKind.QUARTER, period_start=dt.date(2026, 1, 1), now=score_month.AS_OF)
    quarter = ScorePeriod.objects.get(period_kind=PeriodKind.QUARTER)
    anonymous = client_for(None)

    draft_page = anonymous.get("/rankings/").content.decode()
    scorecards_publish(period_id=quarter.pk, actor=supervisor, now=factories.at(2026, 4, 30, 10))
    published_page = anonymous.get("/rankings/").content.decode()

    assert ScorePeriod.objects.get(pk=quarter.pk).status == PeriodStatus.PUBLISHED
    assert city["urban"].name not in draft_page
    assert "2026年第1季度" in published_page and city["urban"].name in published_page
    assert not re.search(r"1[3-9]\d{9}", published_page)  # no citizen's phone, nor any ticket behind the figures
    assert "SD2026" not in published_page


def test_the_cockpit_page_speaks_chinese(known_month, leader):
    page = client_for(leader).get("/supervision/cockpit/", PERIOD).content.decode()
    assert "领导驾驶舱" in page and "争议网络" in page and "去年同期" in page
    for english in ("Leader's cockpit", "Dispute network", "Same period last year", "Heat map", "By channel"):
        assert english not in page


# --- figures registered by surge alerts and monthly topics (supervision/figures.py) ----------------------------------
def _alert(city, status: str, territory, matter: str = "stall") -> SurgeAlert:
    return SurgeAlert.objects.create(
        series_key=series_key(city[matter].pk, territory.pk if territory else None),
        matter=city[matter],
        territory=territory,
        day=dt.date(2026, 3, 31),
        observed=30,
        expected=6.0,
        upper_bound=14.0,
        score=3.0,
        probability=1e-6,
        method="glm",
        department=city["urban"],
        status=status,
        acknowledge_due=dt.date(2026, 4, 2),
    )


def test_open_alerts_by_state_and_topics_running_or_overdue_are_on_the_cockpit_and_drill_down(
    city, dispatcher, leader, calendar_for_the_coming_weeks
):
    _alert(city, AlertStatus.RAISED, city["district_a"])
    _alert(city, AlertStatus.RAISED, city["district_b"])
    _alert(city, AlertStatus.ACTED, None)  # city-wide
    _alert(city, AlertStatus.CLOSED, city["district_a"], matter="food")
    values = {
        "actor": dispatcher,
        "matter_id": city["urban_env"].pk,
        "territory_id": None,
        "keywords": "",
        "rationale": "投诉连续三个月居首。",
        "source_kind": "cockpit",
        "source_reference": "驾驶舱",
    }
    late = topics.topic_propose(title="夜市占道经营", **values)
    topics.topic_approve(
        topic_id=late.pk,
        actor=leader,
        lead_id=city["urban"].pk,
        goal="占道投诉下降一半。",
        working_days=20,
        now=dt.datetime(2026, 3, 9, 10, tzinfo=dt.UTC),
    )  # its deadline, 20 working days on, has passed
    topics.topic_propose(title="噪声扰民", **values)  # proposed only: not running

    client = client_for(leader)
    other = {figure["key"]: figure for figure in client.get(API, PERIOD).json()["other"]}
    assert other["supervision.alerts_raised"]["value"] == 2
    assert other["supervision.alerts_acknowledged"]["value"] == 0
    assert other["supervision.alerts_acted"]["value"] == 1
    assert other["supervision.topics_running"]["value"] == 1
    assert other["supervision.topics_overdue"]["value"] == 1
    assert other["supervision.alerts_raised"]["url"] == "/supervision/alerts/?status=raised"

    listed = client.get(other["supervision.alerts_raised"]["url"]).content.decode()
    assert city["district_a"].name in listed and city["district_b"].name in listed and "食品安全" not in listed
    overdue = client.get(other["supervision.topics_overdue"]["url"]).content.decode()
    assert "夜市占道经营" in overdue and "噪声扰民" not in overdue
    everything = client.get("/supervision/topics/").content.decode()
    assert "噪声扰民" in everything


# --- speed: a constant number of queries ---------------------------------------------------------------------------
def _counts_fill(days: int, families: list[int], districts: list[str], streets: dict[str, list[str]], leads: list):
    """Daily counts written as the rebuild writes them (rows of the rollup tables, no tickets): `days` days of March
    2026 and of March 2025, every family in every district and street, every lead, a ring of bounces."""
    from supervision.models import (
        DailyDepartmentVolume,
        DailyDistrictVolume,
        DailyFriction,
        DailyPlaceVolume,
        DailyVolume,
        FrictionKind,
    )

    volume, by_district, by_street, by_lead, friction = [], [], [], [], []
    for year in (2025, 2026):
        for offset in range(days):
            day = dt.date(year, 3, 1) + dt.timedelta(days=offset)
            for channel in ("phone", "web"):
                volume += [
                    DailyVolume(day=day, channel=channel, request_type="complaint", district_code=d, tickets=3)
                    for d in districts
                ]
            for family in families:
                by_district += [
                    DailyDistrictVolume(day=day, family_id=family, district_code=d, tickets=2) for d in districts
                ]
                by_street += [
                    DailyPlaceVolume(day=day, family_id=family, district_code=d, street_code=s, tickets=1)
                    for d in districts
                    for s in streets[d]
                ]
                friction += [
                    DailyFriction(
                        day=day,
                        kind=FrictionKind.DISPUTE,
                        matter_id=family,
                        district_code=d,
                        street_code=streets[d][0],
                        from_department_id=leads[0].pk,
                        to_department_id=leads[1].pk,
                        events=1,
                    )
                    for d in districts
                ]
            by_lead += [DailyDepartmentVolume(day=day, department_id=lead.pk, tickets=4) for lead in leads]
            friction += [
                DailyFriction(
                    day=day,
                    kind=FrictionKind.BOUNCE,
                    matter_id=families[0],
                    district_code=districts[0],
                    street_code="",
                    from_department_id=lead.pk,
                    to_department_id=leads[(n + 1) % len(leads)].pk,
                    events=1,
                )
                for n, lead in enumerate(leads)
            ]
    for model, rows in (
        (DailyVolume, volume),
        (DailyDistrictVolume, by_district),
        (DailyPlaceVolume, by_street),
        (DailyDepartmentVolume, by_lead),
        (DailyFriction, friction),
    ):
        model.objects.all().delete()
        model.objects.bulk_create(rows)


COCKPIT_REQUESTS = {
    "figures": (API, {**PERIOD, "grain": "week"}),
    "figures by month, a year": (API, {"first": "2025-04-01", "last": "2026-03-31", "grain": "month"}),
    "district heat map": (f"{API}heat-map/", PERIOD),
    "street heat map": (f"{API}heat-map/", {**PERIOD, "district": "370802"}),
    "network": (f"{API}network/", PERIOD),
    "page": ("/supervision/cockpit/", PERIOD),
    "page, one district's streets": ("/supervision/cockpit/", {**PERIOD, "district": "370802"}),
}
# The ceiling each request keeps (the session, the user and their roles included): the queries are one per figure and
# table, not one per family, place, department or day.
COCKPIT_QUERIES_AT_MOST = {
    "figures": 13,
    "figures by month, a year": 13,
    "district heat map": 7,
    "street heat map": 7,
    "network": 5,
    "page": 16,
    "page, one district's streets": 18,
}


def test_each_cockpit_request_makes_as_many_queries_for_a_small_as_for_a_larger_city(city, leader):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from arbitration.choices import TerritoryLevel
    from arbitration.models import Department, Matter

    def queries_and_sizes() -> dict[str, tuple[int, int]]:
        client = client_for(leader)
        found = {}
        for name, (path, query) in COCKPIT_REQUESTS.items():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, query)
            assert response.status_code == 200, name
            found[name] = (len(queries), len(response.content))
        return found

    families = list(Matter.objects.filter(parent=None).values_list("pk", flat=True))
    leads = list(Department.objects.order_by("pk"))
    _counts_fill(1, families[:1], ["370802"], {"370802": ["370802001"]}, leads[:2])
    queries_and_sizes()  # warm: the first request fills the process's caches (translations, content types)
    small = queries_and_sizes()

    # The larger city: 30 days, many more families, districts, streets and departments.
    for n in range(30):
        families.append(factories.matter(f"QF{n:02d}", f"类别{n}").pk)
    districts = {"370802": ["370802001"], "370811": ["370811001"]}
    for n in range(8):
        district = factories.territory(f"3709{n:02d}", f"区{n}", TerritoryLevel.DISTRICT, city["city"])
        districts[district.code] = [
            factories.territory(f"{district.code}{s:03d}", f"街道{n}-{s}", TerritoryLevel.STREET, district).code
            for s in range(6)
        ]
    districts["370802"] += [
        factories.territory(f"370802{s:03d}", f"东湖街道{s}", TerritoryLevel.STREET, city["district_a"]).code
        for s in range(2, 12)
    ]
    leads += [factories.department(f"QD{n:02d}", f"单位{n}") for n in range(20)]
    _counts_fill(30, families, list(districts), districts, leads)
    larger = queries_and_sizes()

    assert {name: q for name, (q, _size) in larger.items()} == {name: q for name, (q, _size) in small.items()}
    for name, (queries, size) in larger.items():
        assert queries <= COCKPIT_QUERIES_AT_MOST[name], (name, queries)
        assert size > small[name][1], name  # the larger city's rows were read (more cells, rows, edges)
