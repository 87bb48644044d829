"""Browser: a surge alert's life on its pages (docs/alerts.md). The owning department's liaison acknowledges it and
reports the action taken; a supervisor mutes the series with a reason and sees it on the mute list."""

import datetime as dt

import pytest

from supervision.models import SeriesMute, SurgeAlert, series_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def alert(city):
    """A raised alert as detection leaves it (the detection itself is tested in tests/supervision/test_alerts.py)."""
    return SurgeAlert.objects.create(
        series_key=series_key(city["stall"].pk, city["district_a"].pk),
        matter=city["stall"],
        territory=city["district_a"],
        day=dt.date(2026, 3, 31),
        observed=30,
        expected=6.0,
        upper_bound=14.0,
        score=3.0,
        probability=1e-6,
        method="glm",
        department=city["urban"],
        acknowledge_due=dt.date(2026, 4, 2),
    )


def test_the_liaison_acknowledges_the_alert_and_reports_the_action_taken(
    live_server, page, login, alert, liaison_urban
):
    login(page, "liaison_urban", "pw-liaison_urban")
    page.goto(f"{live_server.url}/supervision/alerts/")
    page.click(f"a[href='/supervision/alerts/{alert.pk}/']")
    page.click("#acknowledge")
    page.wait_for_selector("textarea[name=text]")
    page.fill("textarea[name=text]", "已组织城管中队夜间巡查，取缔占道摊点12处。")
    page.click("form[action$='/act/'] button[type=submit]")
    page.wait_for_selector("text=已组织城管中队夜间巡查")
    alert.refresh_from_db()
    assert alert.status == "acted" and "取缔占道摊点12处" in alert.action_text
    assert alert.transitions.count() == 2


def test_a_supervisor_mutes_the_series_with_a_reason(live_server, page, login, alert, supervisor, city):
    login(page, "supervisor", "pw-supervisor")
    page.goto(f"{live_server.url}/supervision/mutes/")
    page.select_option("select[name=matter]", str(city["stall"].pk))
    page.select_option("select[name=territory]", str(city["district_a"].pk))
    page.fill("input[name=reason]", "夜市整治期间投诉集中，已在每月一题中跟踪。")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("text=夜市整治期间投诉集中")
    mute = SeriesMute.objects.get()
    assert mute.series_key == alert.series_key and mute.lifted_at is None
    assert mute.reason == "夜市整治期间投诉集中，已在每月一题中跟踪。"
