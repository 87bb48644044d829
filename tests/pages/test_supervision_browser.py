"""Browser: a supervisor issues an escalation letter on a case and downloads it; the department's liaison sees
it on their desk and answers it; the scorecard dashboard draws its charts."""

from pathlib import Path

import pytest

from supervision.models import SupervisionLetter
from supervision.services import cases
from tests.factories import at
from tests.supervision.helpers import dispatched_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_issues_and_downloads_a_letter_and_the_liaison_answers(
    live_server, page, login, city, supervisor, liaison_urban
):
    ticket = dispatched_ticket(city)
    case = cases.case_open(actor=supervisor, reason="超期未办结", ticket_id=ticket.pk, now=at(2026, 3, 10, 10))

    login(page, "supervisor", "pw-supervisor")
    page.goto(f"{live_server.url}/supervision/cases/{case.pk}/")
    page.select_option("select[name=kind]", "escalation")
    page.click("form[action$='/letter/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/supervision/letters/*/")
    letter = SupervisionLetter.objects.get()
    assert letter.document_number in page.content()
    with page.expect_download() as download_info:
        page.click("#download-pdf")
    download = download_info.value
    assert download.suggested_filename == f"{letter.document_number}.pdf"
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"

    page.context.clear_cookies()
    login(page, "liaison_urban", "pw-liaison_urban")
    page.goto(f"{live_server.url}/supervision/desk/")
    page.click(f"text={letter.document_number}")
    page.fill("textarea[name=text]", "已组织执法人员现场处置，摊贩已清理。")
    page.click("form[action$='/answer/'] button[type=submit]")
    page.wait_for_selector("text=已组织执法人员现场处置")

    letter.refresh_from_db()
    assert (letter.status, letter.answered_by) == ("answered", liaison_urban)


def test_the_scorecard_dashboard_draws_the_ranking_one_series_per_group(live_server, page, login, city, supervisor):
    from django.utils import translation

    from arbitration.choices import DepartmentKind
    from supervision.choices import PeriodKind
    from supervision.models import Scorecard
    from supervision.services import scorecards

    dispatched_ticket(city, department=city["urban"])
    dispatched_ticket(city, department=city["gov_a"])
    scorecards.scorecards_compute(period_kind=PeriodKind.MONTH, period_start=at(2026, 3, 1).date())
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    login(page, "supervisor", "pw-supervisor")
    page.goto(f"{live_server.url}/supervision/scorecards/?period_start=2026-03-01")
    series = page.evaluate(
        "() => Chart.getChart(document.getElementById('ranking-chart')).data.datasets.map((d) => d.label)"
    )
    with translation.override("zh-hans"):
        groups = {str(DepartmentKind(group).label) for group in Scorecard.objects.values_list("group", flat=True)}
    assert errors == []
    assert len(groups) >= 2 and sorted(series) == sorted(groups)


def test_a_supervisor_reads_a_problem_case_listing_all_its_tickets_in_chinese(
    live_server, page, login, city, supervisor, dispatcher
):
    import re

    from supervision.models import SupervisionCase
    from supervision.services.sweep import supervision_sweep
    from tests.supervision.helpers import platform, post_ticket

    api = platform(dispatcher)
    for day in (2, 3, 4):  # the same matter at the same place three times: one problem
        post_ticket(api, f"BP{day}", day=day)
    supervision_sweep(now=at(2026, 3, 5, 10))
    case = SupervisionCase.objects.get(trigger="repeated")

    login(page, "supervisor", "pw-supervisor")
    page.goto(f"{live_server.url}/supervision/")
    page.click(f"a[href='/supervision/cases/{case.pk}/']")
    page.wait_for_selector("#problem-tickets")

    listed = page.locator("#problem-tickets tbody tr td:first-child").all_inner_texts()
    assert listed == ["BP2", "BP3", "BP4"]
    text = page.locator("h1").inner_text() + page.locator("#problem-tickets").inner_text()
    assert "同一问题工单" in page.content() and "同一事项同一地点" in text
    assert re.findall(r"[A-Za-z]{3,}", text) == []  # no English in what this page adds
    badges = page.locator("ol.timeline .ticket").all_inner_texts()  # the timeline names each line's ticket
    assert {"BP2", "BP3", "BP4"} <= set(badges)
    page.click("#problem-tickets >> text=BP3")
    page.wait_for_url(f"{live_server.url}/tickets/BP3/")
