"""Appeals against a draft month: a liaison objects to one ticket with a reason and evidence, a supervisor accepts
(the ticket is left out, or charged elsewhere) or refuses, and the next computation of the draft honours it."""

from __future__ import annotations

import datetime as dt

import pytest

from arbitration.errors import InvalidInput, NotOfDepartment
from arbitration.models import Department
from supervision.choices import AppealDecision, AppealStatus, PeriodKind
from supervision.errors import (
    AppealAlreadyLodged,
    AppealNotPending,
    AppealWindowClosed,
    ReasonRequired,
    TicketNotCharged,
)
from supervision.models import ScoreAppeal, ScoreAppealTransition, Scorecard, ScoreEntry, ScorePeriod
from supervision.services.scorecards import scorecards_compute
from tests import factories
from tests.factories import at
from tests.supervision import score_month
from tests.supervision.helpers import client_for
from tests.supervision.score_month import AS_OF, decide, evidence, lodge

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def draft(city, tmp_path) -> ScorePeriod:
    factories.department(*score_month.ENVIRONMENT)
    score_month.import_month(tmp_path)
    scorecards_compute(period_kind=PeriodKind.MONTH, period_start=MARCH, now=AS_OF)
    return ScorePeriod.objects.get()


def card(code: str) -> Scorecard:
    return Scorecard.objects.get(department__code=code, period_start=MARCH)


def recompute() -> None:
    scorecards_compute(period_kind=PeriodKind.MONTH, period_start=MARCH, now=AS_OF)


def test_the_window_is_counted_in_working_days_from_the_first_computation(draft):
    assert draft.appeal_closes_at == at(2026, 3, 27, 17, 30)
    recompute()
    draft.refresh_from_db()
    assert draft.appeal_closes_at == at(2026, 3, 27, 17, 30)  # recomputing does not reopen it


def test_an_accepted_appeal_leaves_the_ticket_out_from_the_next_computation(draft, liaison_urban, supervisor):
    appeal = lodge(draft, liaison_urban, "CGJ", "U3")
    decide(appeal, supervisor, AppealDecision.EXCLUDE, reason="经核实系群众重复来电")
    assert (card("CGJ").tickets, card("CGJ").response_judged) == (6, 4)  # the draft is what was computed
    recompute()
    urban = card("CGJ")
    assert (urban.tickets, urban.responded_on_time, urban.response_judged, urban.completion_judged) == (5, 2, 3, 3)
    assert not ScoreEntry.objects.filter(department__code="CGJ", ticket__hotline_no="U3").exists()


def test_an_appeal_can_charge_the_ticket_to_another_department_with_the_reason_kept(draft, liaison_urban, supervisor):
    appeal = lodge(draft, liaison_urban, "CGJ", "U2")
    decide(appeal, supervisor, AppealDecision.REATTRIBUTE, target="SJJ", reason="食品摊点归市场监管")
    recompute()
    market = Department.objects.get(code="SJJ")
    assert (card("CGJ").tickets, card("SJJ").tickets) == (5, 5)
    moved = ScoreEntry.objects.get(ticket__hotline_no="U2")
    assert (moved.department, moved.appeal_id) == (market, appeal.pk)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.target_department, appeal.decision_reason) == (
        AppealStatus.ACCEPTED,
        market,
        "食品摊点归市场监管",
    )
    assert list(appeal.transitions.values_list("from_status", "to_status")) == [
        ("", "pending"),
        ("pending", "accepted"),
    ]


def test_a_refused_appeal_changes_nothing(draft, liaison_urban, supervisor):
    before = list(Scorecard.objects.order_by("pk").values_list("tickets", "service_index"))
    appeal = lodge(draft, liaison_urban, "CGJ", "U3")
    decide(appeal, supervisor, reason="理由不成立")
    recompute()
    assert list(Scorecard.objects.order_by("pk").values_list("tickets", "service_index")) == before
    with pytest.raises(AppealNotPending):
        decide(appeal, supervisor, AppealDecision.EXCLUDE, reason="改判")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"now": at(2026, 3, 27, 17, 31)}, AppealWindowClosed),
        ({"hotline_no": "M1"}, TicketNotCharged),  # another department's ticket
        ({"hotline_no": "NO-SUCH"}, TicketNotCharged),
        ({"department_code": "SJJ"}, NotOfDepartment),  # for a department that is not theirs
        ({"reason": "  "}, ReasonRequired),
        ({"attachment": None}, InvalidInput),
        ({"attachment": evidence("说明.exe")}, InvalidInput),
        ({"attachment": evidence(content=b"")}, InvalidInput),
    ],
)
def test_a_refused_appeal_writes_nothing(draft, liaison_urban, changes, error):
    department = changes.pop("department_code", "CGJ")
    hotline_no = changes.pop("hotline_no", "U3")
    with pytest.raises(error):
        lodge(draft, liaison_urban, department, hotline_no, **changes)
    assert not ScoreAppeal.objects.exists() and not ScoreAppealTransition.objects.exists()


def test_a_ticket_is_appealed_once_and_moved_on_only_once(draft, liaison_urban, liaison_market, supervisor):
    appeal = lodge(draft, liaison_urban, "CGJ", "U2")
    with pytest.raises(AppealAlreadyLodged):
        lodge(draft, liaison_urban, "CGJ", "U2")
    with pytest.raises(InvalidInput):  # charged to the department it is already charged to
        decide(appeal, supervisor, AppealDecision.REATTRIBUTE, target="CGJ")
    decide(appeal, supervisor, AppealDecision.REATTRIBUTE, target="SJJ", reason="食品摊点归市场监管")
    recompute()
    onward = lodge(draft, liaison_market, "SJJ", "U2")  # now charged to the market bureau, which may object
    with pytest.raises(InvalidInput):
        decide(onward, supervisor, AppealDecision.REATTRIBUTE, target="ZJJ")
    decide(onward, supervisor, AppealDecision.EXCLUDE, reason="确非两局职责")
    recompute()
    assert not ScoreEntry.objects.filter(ticket__hotline_no="U2").exists()


# --- through the API and the pages ---------------------------------------------------------------------------
@pytest.fixture
def live_draft(city, tmp_path, calendar_for_the_coming_weeks) -> ScorePeriod:
    """March's draft computed now: its appeal window is open while the test runs."""
    factories.department(*score_month.ENVIRONMENT)
    score_month.import_month(tmp_path)
    scorecards_compute(period_kind=PeriodKind.MONTH, period_start=MARCH)
    return ScorePeriod.objects.get()


def test_a_liaison_appeals_through_the_api_and_a_supervisor_decides(
    live_draft, liaison_urban, liaison_market, supervisor
):
    urban = card("CGJ")
    api = client_for(liaison_urban)
    lodged = api.post(
        f"/api/v1/supervision/scorecards/{urban.pk}/appeals/",
        {"hotline_no": "U3", "reason": "该工单已并案办理", "attachment": evidence()},
    )
    assert lodged.status_code == 201, lodged.json()
    appeal_id = lodged.json()["id"]
    assert (
        client_for(liaison_market)
        .post(
            f"/api/v1/supervision/scorecards/{urban.pk}/appeals/",
            {"hotline_no": "U3", "reason": "x", "attachment": evidence()},
        )
        .status_code
        == 404
    )  # not their card
    missing = api.post(f"/api/v1/supervision/scorecards/{urban.pk}/appeals/", {"hotline_no": "U2", "reason": "x"})
    assert missing.status_code == 400 and missing.json()["details"]["field"] == "attachment"
    decide_url = f"/api/v1/supervision/appeals/{appeal_id}/decide/"
    assert api.post(decide_url, {"accept": True, "reason": "x"}, content_type="application/json").status_code == 403
    decided = client_for(supervisor).post(
        f"/api/v1/supervision/appeals/{appeal_id}/decide/",
        {"accept": True, "decision": "exclude", "reason": "并案处理属实"},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "accepted"
    listed = client_for(liaison_market).get(f"/api/v1/supervision/score-periods/{live_draft.pk}/appeals/").json()
    assert listed["results"] == []  # another department's appeal is not theirs to see
    assert api.get(f"/api/v1/supervision/appeals/{appeal_id}/attachment/").getvalue() == b"%PDF-1.4 evidence"
    assert client_for(liaison_market).get(f"/api/v1/supervision/appeals/{appeal_id}/attachment/").status_code == 404


def test_a_liaison_appeals_on_the_page_and_the_supervisor_decides_on_the_appeals_page(
    live_draft, liaison_urban, supervisor
):
    urban = card("CGJ")
    page = client_for(liaison_urban).get(f"/supervision/scorecards/{urban.pk}/tickets/?rate=on_time&outcome=missed")
    assert "申诉" in page.content.decode()
    client_for(liaison_urban).post(
        f"/supervision/scorecards/{urban.pk}/appeal/",
        {"hotline_no": "U2", "reason": "群众诉求已解决，系超期后补录", "attachment": evidence("照片.png")},
    )
    appeal = ScoreAppeal.objects.get()
    listing = client_for(supervisor).get(f"/supervision/scorecards/periods/{live_draft.pk}/appeals/").content.decode()
    assert "群众诉求已解决" in listing and "照片.png" in listing
    client_for(supervisor).post(f"/supervision/appeals/{appeal.pk}/decide/", {"accept": "0", "reason": "证据不足"})
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decision_reason) == (AppealStatus.REFUSED, "证据不足")
