"""Surge alerts end to end (docs/alerts.md): detection over tickets that came in through import_tickets and the
intake API, the alert's life and permissions through the API, its risk bulletin read back, muting, and the sweep
opening a case for an alert left unacknowledged."""

import csv
import datetime as dt
import io

import numpy as np
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from pypdf import PdfReader
from rest_framework.test import APIClient

from arbitration.choices import NoticeKind
from arbitration.models import Notice
from arbitration.spread import run_start
from supervision.alerts.run import surges_detect
from supervision.choices import AlertStatus, Trigger
from supervision.models import SeriesMute, SupervisionCase, SurgeAlert, SurgeBulletin
from supervision.services.sweep import supervision_sweep

pytestmark = pytest.mark.django_db

SURGE_DAY = dt.date(2026, 3, 31)
API = "/api/v1/supervision/alerts/"


def history_rows(city) -> list[dict]:
    """Fifteen months of stall complaints in community A1: about six a working day, three a weekend day, one on a
    public holiday, negative-binomial noise (fixed seed)."""
    rng = np.random.default_rng(14)
    calendar_days = {d for d, *_rest in _holidays()}
    rows, day, n = [], dt.date(2025, 1, 1), 0
    while day < SURGE_DAY:
        mean = 1.0 if day in calendar_days else (3.0 if day.weekday() >= 5 else 6.0)
        for _ in range(int(rng.negative_binomial(20, 20 / (20 + mean)))):
            n += 1
            rows.append(
                {
                    "hotline_no": f"H{n:06d}",
                    "received_at": f"{day.isoformat()}T10:00:00+08:00",
                    "request_type": "complaint",
                    "matter": city["stall"].code,
                    "territory": city["community_a1"].code,
                    "title": "占道经营",
                    "content": "门口有摊贩占道经营。",
                }
            )
        day += dt.timedelta(days=1)
    return rows


def _holidays():
    from arbitration.services.calendar import packaged_days

    return [row for year in (2025, 2026) for row in packaged_days(year) if row[1] == "holiday"]


@pytest.fixture
def history(city, tmp_path, calendar_for_the_coming_weeks):
    """The history arrives as the platform's export does: through import_tickets. (An alert's acknowledge-by day is
    counted in working days from today, hence the calendar of the weeks ahead.)"""
    rows = history_rows(city)
    path = tmp_path / "tickets.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    call_command("import_tickets", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    return rows


def post_surge(dispatcher, city, count: int = 30) -> None:
    """The surge day's tickets come in one by one through the intake API."""
    client = APIClient()
    client.force_login(dispatcher)
    for i in range(count):
        response = client.post(
            "/api/v1/tickets/",
            {
                "hotline_no": f"S{i:04d}",
                "received_at": f"{SURGE_DAY.isoformat()}T{9 + i % 8:02d}:{i % 60:02d}:00+08:00",
                "request_type": "complaint",
                "matter": city["stall"].code,
                "territory": city["community_a1"].code,
                "title": "占道经营",
                "content": "夜市摊贩占道经营。",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()


@pytest.fixture
def raised(history, dispatcher, city):
    post_surge(dispatcher, city)
    call_command("detect_surges", "--day", SURGE_DAY.isoformat(), stdout=io.StringIO())
    return SurgeAlert.objects.get(territory=city["district_a"])


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_an_ordinary_day_raises_nothing(history):
    report = surges_detect(day=SURGE_DAY - dt.timedelta(days=1))
    assert report.series == 2  # the matter in district A, and city-wide
    assert report.raised == [] and not SurgeAlert.objects.exists()


def test_a_surge_is_found_and_goes_to_the_owning_department_with_its_figures(raised, city):
    assert raised.matter == city["stall"] and raised.day == SURGE_DAY
    assert raised.department == city["urban"]  # the catalogue's owner of stalls, city-wide
    assert raised.method == "glm" and raised.observed >= 30 and raised.observed > 2 * raised.expected
    assert raised.observed > raised.upper_bound and raised.score > 1 and raised.probability < 0.001
    assert SurgeAlert.objects.filter(territory=None, matter=city["stall"]).exists()  # city-wide too
    # Each alert's notice carries its risk bulletin's number, issued with it (MINGZE_ALERT_BULLETIN_ON_RAISE).
    notices = Notice.objects.filter(
        department=city["urban"], kind=NoticeKind.SURGE_ALERT, document_number__startswith="明责预〔"
    )
    assert notices.count() == 2 and all("占道经营" in notice.message for notice in notices)  # district and city
    assert [t.to_status for t in raised.transitions.all()] == [AlertStatus.RAISED]


def test_detection_run_twice_raises_nothing_new(raised):
    before = SurgeAlert.objects.count()
    assert surges_detect(day=SURGE_DAY).raised == []
    assert SurgeAlert.objects.count() == before


def test_a_muted_series_raises_nothing(history, dispatcher, supervisor, city):
    response = client_for(supervisor).post(
        "/api/v1/supervision/mutes/",
        {
            "matter_id": city["stall"].pk,
            "territory_id": city["district_a"].pk,
            "reason": "夜市整治期间，已知",
            "until": None,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    post_surge(dispatcher, city)
    surges_detect(day=SURGE_DAY)
    assert not SurgeAlert.objects.filter(territory=city["district_a"]).exists()
    assert SurgeAlert.objects.filter(territory=None).exists()  # the city-wide series was not muted


def test_only_a_supervisor_mutes(history, liaison_urban, city):
    response = client_for(liaison_urban).post(
        "/api/v1/supervision/mutes/", {"matter_id": city["stall"].pk, "reason": "不想看"}, format="json"
    )
    assert response.status_code == 403


def test_the_liaison_acknowledges_reports_action_and_the_centre_closes(raised, liaison_urban, supervisor):
    liaison = client_for(liaison_urban)
    assert liaison.post(f"{API}{raised.pk}/acknowledge/").status_code == 200
    response = liaison.post(f"{API}{raised.pk}/act/", {"text": "已组织夜间巡查，设置临时疏导点"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "acted"
    assert liaison.post(f"{API}{raised.pk}/close/", {"reason": "办结"}, format="json").status_code == 403
    response = client_for(supervisor).post(f"{API}{raised.pk}/close/", {"reason": "已采取措施"}, format="json")
    assert response.status_code == 200
    detail = client_for(supervisor).get(f"{API}{raised.pk}/").json()
    assert [t["to_status"] for t in detail["transitions"]] == ["raised", "acknowledged", "acted", "closed"]


def test_an_empty_action_report_is_refused_in_chinese_and_writes_nothing(raised, liaison_urban):
    client = client_for(liaison_urban)
    client.post(f"{API}{raised.pk}/acknowledge/")
    response = client.post(f"{API}{raised.pk}/act/", {"text": "  "}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    raised.refresh_from_db()
    assert raised.status == AlertStatus.ACKNOWLEDGED and raised.transitions.count() == 2


def test_a_closed_alert_cannot_be_acknowledged(raised, liaison_urban, supervisor):
    client_for(supervisor).post(f"{API}{raised.pk}/close/", {"reason": "误报"}, format="json")
    response = client_for(liaison_urban).post(f"{API}{raised.pk}/acknowledge/")
    assert response.status_code == 409 and response.json()["code"] == "alert_move_refused"


def test_other_departments_do_not_see_the_alert_and_cannot_answer_it(raised, liaison_market, supervisor):
    client = client_for(liaison_market)
    assert client.get(API).json()["count"] == 0
    assert client.get(f"{API}{raised.pk}/").status_code == 404
    assert client.post(f"{API}{raised.pk}/acknowledge/").status_code == 404
    assert client_for(supervisor).get(API).json()["count"] == 2


def _bulletin_text(alert, user) -> str:
    pdf = client_for(user).get(f"{API}{alert.pk}/bulletin/")
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages)
    return text.replace("\n", "").replace(" ", "")


@pytest.fixture
def raised_with_bulletin(history, dispatcher, city, django_capture_on_commit_callbacks):
    """Detection raises the alert and issues its bulletin at once (the default); the PDF renders after commit."""
    post_surge(dispatcher, city)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("detect_surges", "--day", SURGE_DAY.isoformat(), stdout=io.StringIO())
    return SurgeAlert.objects.get(territory=city["district_a"])


def test_the_risk_bulletin_is_issued_with_the_alert_and_says_what_rose_how_likely_and_who_owns_it(
    raised_with_bulletin, supervisor, liaison_urban
):
    raised = raised_with_bulletin
    bulletin = SurgeBulletin.objects.get(alert=raised)
    assert bulletin.document_number.startswith("明责预〔") and bulletin.issued_by is None
    text = _bulletin_text(raised, liaison_urban)
    assert bulletin.document_number in text and "风险预警参阅件" in text
    assert f"共{raised.observed}件" in text and f"预计约{raised.expected:.1f}件" in text
    assert "概率不足万分之一" in text and "市城市管理局" in text
    assert Notice.objects.filter(department=raised.department, document_number=bulletin.document_number).count() == 1
    assert client_for(supervisor).post(f"{API}{raised.pk}/bulletin/").status_code == 409


@pytest.fixture
def bulletins_by_hand(settings):
    settings.MINGZE_ALERT_BULLETIN_ON_RAISE = False


def test_with_bulletins_by_hand_a_supervisor_issues_it_once(
    bulletins_by_hand, raised, supervisor, liaison_urban, django_capture_on_commit_callbacks
):
    assert not SurgeBulletin.objects.filter(alert=raised).exists()
    assert client_for(liaison_urban).post(f"{API}{raised.pk}/bulletin/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(supervisor).post(f"{API}{raised.pk}/bulletin/")
    assert response.status_code == 201
    bulletin = SurgeBulletin.objects.get(alert=raised)
    assert bulletin.issued_by == supervisor and bulletin.document_number in _bulletin_text(raised, liaison_urban)
    assert client_for(supervisor).post(f"{API}{raised.pk}/bulletin/").status_code == 409


def test_an_unacknowledged_alert_opens_one_case_in_the_sweep_and_it_closes_once_acknowledged(
    raised, liaison_urban, calendar_for_the_coming_weeks
):
    later = dt.datetime.combine(raised.acknowledge_due + dt.timedelta(days=1), dt.time(10), tzinfo=dt.UTC)
    about = SupervisionCase.objects.filter(trigger=Trigger.SURGE_UNANSWERED, subject_key=f"surge_alert:{raised.pk}")
    supervision_sweep(now=later)
    case = about.get()
    assert case.department_id == raised.department_id and case.status == "open"
    supervision_sweep(now=later)
    assert about.count() == 1
    client_for(liaison_urban).post(f"{API}{raised.pk}/acknowledge/")
    supervision_sweep(now=later)
    case.refresh_from_db()
    assert case.status == "closed"
    supervision_sweep(now=later)
    assert about.count() == 1


def test_alerts_acknowledged_in_time_feed_nothing(raised, liaison_urban):
    for alert in SurgeAlert.objects.all():  # the district's and the city-wide one
        assert client_for(liaison_urban).post(f"{API}{alert.pk}/acknowledge/").status_code == 200
    supervision_sweep(
        now=dt.datetime.combine(raised.acknowledge_due + dt.timedelta(days=3), dt.time(10), tzinfo=dt.UTC)
    )
    assert not SupervisionCase.objects.filter(trigger=Trigger.SURGE_UNANSWERED).exists()


def test_detect_surges_refuses_a_malformed_day():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("detect_surges", "--day", "31/03/2026")


def test_the_pages_show_the_alert_in_chinese_and_the_liaison_answers_there(raised, liaison_urban, client):
    from django.urls import reverse

    client.force_login(liaison_urban)
    listing = client.get(reverse("supervision:alerts")).content.decode()
    assert "增长异常预警" in listing and "占道经营" in listing and "东湖区" in listing
    detail = client.get(reverse("supervision:alert", args=[raised.pk])).content.decode()
    assert "确认预警" in detail and "偶然出现的概率" in detail
    client.post(reverse("supervision:alert_action", args=[raised.pk, "acknowledge"]))
    client.post(reverse("supervision:alert_action", args=[raised.pk, "act"]), {"text": ""})
    raised.refresh_from_db()
    assert raised.status == AlertStatus.ACKNOWLEDGED  # the empty report was refused by the form
    client.post(reverse("supervision:alert_action", args=[raised.pk, "act"]), {"text": "已开展夜间巡查"})
    raised.refresh_from_db()
    assert raised.status == AlertStatus.ACTED and raised.action_text == "已开展夜间巡查"
    assert client.get(reverse("supervision:mutes")).status_code == 404


def test_the_centre_mutes_a_series_on_its_page(history, supervisor, client, city):
    from django.urls import reverse

    client.force_login(supervisor)
    assert "静默一个序列" in client.get(reverse("supervision:mutes")).content.decode()
    response = client.post(
        reverse("supervision:mutes"), {"matter": city["stall"].pk, "territory": "", "reason": "专项整治期间"}
    )
    assert response.status_code == 302
    assert SeriesMute.objects.get().series_key == f"matter:{city['stall'].pk}/city"


@override_settings(MINGZE_SPREAD_PARTITIONS=2)
def test_screening_spread_by_matter_raises_what_one_run_raises(history, dispatcher, city):
    post_surge(dispatcher, city)

    def alerts():
        return set(SurgeAlert.objects.values_list("series_key", "day", "observed", "expected", "method"))

    with transaction.atomic():  # one whole run, undone, to compare with
        whole = surges_detect(day=SURGE_DAY)
        whole_alerts = alerts()
        transaction.set_rollback(True)

    run = run_start("screening", {"day": SURGE_DAY.isoformat()})

    assert run.partitions.count() == 2 and run.finished_at is not None
    assert alerts() == whole_alerts and len(whole_alerts) == len(whole.raised) > 0
    assert (run.result["series"], run.result["alarms"]) == (whole.series, whole.alarms)
    assert surges_detect(day=SURGE_DAY).raised == []  # the run's alerts are the ones a whole run would find again
