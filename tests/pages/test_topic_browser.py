"""Browser: a monthly topic's whole life on its pages (docs/topics.md). The centre proposes it from a surge alert, a
city leader approves it naming the lead department, a co-handler, the goal and the deadline, the lead department's
liaison files a progress report, the centre closes it, and the closing report's PDF is downloaded and read back."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from arbitration.choices import Role
from supervision.choices import TopicStatus
from supervision.models import SurgeAlert, Topic, series_key
from tests import factories
from tests.supervision.conftest import calendar_for_the_coming_weeks  # noqa: F401 (the deadline counts working days)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("calendar_for_the_coming_weeks"),
]


@pytest.fixture
def leader(db):
    return factories.user("leader", Role.CITY_LEADER)


@pytest.fixture
def alert(city):
    """A raised alert as detection leaves it (the detection itself is tested in tests/supervision/test_alerts.py)."""
    today = timezone.localdate()
    return SurgeAlert.objects.create(
        series_key=series_key(city["stall"].pk, city["district_a"].pk),
        matter=city["stall"],
        territory=city["district_a"],
        day=today,
        observed=30,
        expected=6.0,
        upper_bound=14.0,
        score=3.0,
        probability=1e-6,
        method="glm",
        department=city["urban"],
        acknowledge_due=today + dt.timedelta(days=2),
    )


@pytest.fixture
def signed_in(browser, live_server):
    """signed_in(username): a fresh browser context signed in as that user (each person on their own screen).

    Signs in through the login form like conftest's `login`, but waits only to leave the login page: a city leader's
    home redirects on to the cockpit."""
    contexts = []

    def open_as(username: str):
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        tab.goto(f"{live_server.url}/login/")
        tab.fill("#id_username", username)
        tab.fill("#id_password", f"pw-{username}")
        tab.click("button[type=submit]")
        tab.wait_for_url(lambda url: "/login/" not in url)
        return tab

    yield open_as
    for context in contexts:
        context.close()


def test_a_topic_from_alert_to_closing_report(live_server, signed_in, city, alert, supervisor, leader, liaison_urban):
    now = timezone.now()
    for days_ago in (3, 5, 6):  # before: three stall complaints in the district within the look-back window
        factories.ticket(city, received_at=now - dt.timedelta(days=days_ago), dispatched_to=city["urban"])

    centre = signed_in("supervisor")
    centre.goto(f"{live_server.url}/supervision/alerts/{alert.pk}/")
    centre.click("#propose-topic")
    centre.wait_for_selector("#propose")
    assert centre.input_value("select[name=matter]") == str(city["stall"].pk)  # filled in from the alert
    assert centre.input_value("select[name=territory]") == str(city["district_a"].pk)
    assert centre.input_value("select[name=source_kind]") == "alert"
    centre.fill("input[name=title]", "东湖区夜市占道经营治理")
    centre.fill("input[name=keywords]", "摊贩")
    centre.fill("textarea[name=rationale]", "夜市周边占道经营投诉激增，预警已连续触发。")
    centre.click("form.card button[type=submit]")
    centre.wait_for_selector("text=东湖区夜市占道经营治理")
    topic = Topic.objects.get()
    assert topic.status == TopicStatus.PROPOSED and topic.source_kind == "alert"

    leader_page = signed_in("leader")
    leader_page.goto(f"{live_server.url}/supervision/topics/{topic.pk}/")
    approve = "form[action$='/approve/']"
    leader_page.select_option(f"{approve} select[name=lead]", str(city["urban"].pk))
    leader_page.select_option(f"{approve} select[name=co_handlers]", [str(city["market"].pk)])
    leader_page.fill(f"{approve} textarea[name=goal]", "三个月内夜市周边占道投诉下降一半。")
    leader_page.fill(f"{approve} input[name=target_weekly_tickets]", "1")
    leader_page.fill(f"{approve} input[name=working_days]", "20")
    leader_page.click(f"{approve} button[type=submit]")
    leader_page.wait_for_selector("text=三个月内夜市周边占道投诉下降一半")
    topic.refresh_from_db()
    assert topic.status == TopicStatus.APPROVED and topic.lead == city["urban"] and topic.deadline is not None
    assert list(topic.co_handlers.all()) == [city["market"]]

    # After approval one more complaint arrives and joins the topic by its rule.
    factories.ticket(city, received_at=timezone.now(), dispatched_to=city["urban"])

    liaison = signed_in("liaison_urban")
    liaison.goto(f"{live_server.url}/supervision/topics/{topic.pk}/")
    report = "form[action$='/report/']"
    liaison.fill(f"{report} textarea[name=text]", "已在夜市东侧设置临时疏导点，摊贩入点经营。")
    liaison.fill(f"{report} textarea[name=figures]", "疏导点 = 2")
    liaison.click(f"{report} button[type=submit]")
    liaison.wait_for_selector("text=已在夜市东侧设置临时疏导点")
    assert topic.reports.get().department == city["urban"]

    centre.goto(f"{live_server.url}/supervision/topics/{topic.pk}/")
    centre.fill("form[action$='/closing/'] textarea[name=reason]", "办理时限将至，转入结题。")
    centre.click("form[action$='/closing/'] button[type=submit]")
    centre.fill("form[action$='/close/'] textarea[name=reason]", "占道投诉明显下降，疏导点长期保留。")
    centre.click("form[action$='/close/'] button[type=submit]")
    link = centre.wait_for_selector("a[href$='/closing-report/']")
    response = centre.request.get(f"{live_server.url}{link.get_attribute('href')}")

    topic.refresh_from_db()
    number = topic.closing_report.document_number
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body())).pages).replace("\n", "")
    assert topic.status == TopicStatus.CLOSED and response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert number in text
    assert f"立项前{topic.lookback_days}天内共3件" in text  # before
    assert "共1件" in text.split("立项后")[1]  # after
    assert "由市城市管理局牵头办理，市市场监督管理局协同办理" in text
