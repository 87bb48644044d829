"""Scorecard arithmetic on a month of tickets loaded through `import_tickets` (tickets and the platform's events):
every numerator, denominator and not-yet-known count, the rates and index, the ranking, the tickets behind each
number, dual scoring, and the time a bouncer held a ticket."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from arbitration.choices import DutyRole, Role
from arbitration.models import BounceReason, Department, Ticket
from arbitration.services.bounces import bounce_create
from supervision.choices import PeriodKind, ScoreBasis
from supervision.models import LetterDraft, Scorecard, ScoreEntry
from supervision.services.scorecards import period_bounds, scorecards_compute, service_index
from tests import factories
from tests.factories import at
from tests.supervision import score_month
from tests.supervision.helpers import client_for
from tests.supervision.score_month import AS_OF, EXPECTED

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def march(city, tmp_path):
    city["environment"] = factories.department(*score_month.ENVIRONMENT)
    score_month.import_month(tmp_path)
    return scorecards_compute(period_kind=PeriodKind.MONTH, period_start=MARCH, now=AS_OF)


def card(code: str) -> Scorecard:
    return Scorecard.objects.get(department__code=code, period_start=MARCH, period_kind=PeriodKind.MONTH)


def numbers(code: str, rate: str, outcome: str) -> set[str]:
    """The hotline numbers behind one figure, as the entries hold them."""
    from supervision.selectors import scorecard_entries

    return set(scorecard_entries(card(code), rate=rate, outcome=outcome).values_list("ticket__hotline_no", flat=True))


def test_every_numerator_denominator_and_unknown_count_of_the_month(march):
    for code, expected in EXPECTED.items():
        got = {name: getattr(card(code), name) for name in expected}
        assert got == expected, code
    assert {c.department.code for c in march} == set(EXPECTED)  # April's and the undispatched ticket count nowhere


def test_rates_leave_unknown_facts_out_and_the_index_follows_the_weights(march):
    urban = card("CGJ")
    assert (urban.response_rate, urban.on_time_rate, urban.feedback_rate, urban.satisfaction_rate) == (
        Decimal("0.5"),
        Decimal("0.5"),
        Decimal("0.6667"),
        Decimal("0.5"),
    )
    assert urban.service_index == Decimal("51.67")  # 15×.5 + 15×.5 + 10×.6667 + 60×.5
    assert card("SJJ").service_index == Decimal("72.50")  # 15×.5 + 15×1 + 10×1 + 60×.6667
    assert card("ZJJ").service_index == Decimal("25.00")  # 15×1 + 0 + 10×1 + 0
    assert card("HBJ").service_index == Decimal("100.00")
    assert [c.perfect for c in (card("HBJ"), card("SJJ"))] == [True, False]


def test_a_rate_without_judged_tickets_has_no_value_and_the_index_weighs_the_others():
    assert service_index((None, Decimal(1), None, Decimal("0.5"))) == Decimal("60.00")  # (15×1 + 60×.5) / 75
    assert service_index((None, None, None, None)) is None


def test_bureaus_are_ranked_best_first_and_the_last_three_marked(march):
    ranked = [(c.department.code, c.rank, c.group_size, c.in_bottom) for c in march]
    assert ranked == [("HBJ", 1, 4, False), ("SJJ", 2, 4, True), ("CGJ", 3, 4, True), ("ZJJ", 4, 4, True)]


def test_computing_a_draft_drafts_no_letter(march):
    assert not LetterDraft.objects.exists()


def test_the_tickets_behind_each_number_are_exactly_the_ones_counted(march):
    assert numbers("CGJ", "response", "met") == {"U1", "U6"}
    assert numbers("CGJ", "response", "judged") == {"U1", "U2", "U3", "U6"}
    assert numbers("CGJ", "response", "unknown") == {"U4"}
    assert numbers("CGJ", "on_time", "missed") == {"U2", "U3"}
    assert numbers("CGJ", "feedback", "unknown") == {"U3", "U4"}
    assert numbers("CGJ", "satisfaction", "unknown") == {"U3", "U4", "U5", "U6"}
    assert numbers("SJJ", "response", "missed") == {"M3", "M4"}  # handled, never reported a first contact: late
    assert numbers("ZJJ", "on_time", "missed") == {"H1", "H2"}


def test_a_liaison_checks_their_own_numbers_ticket_by_ticket_through_the_api(march, liaison_urban):
    api = client_for(liaison_urban)
    cards = api.get("/api/v1/supervision/scorecards/", {"period_start": "2026-03-01"}).json()
    assert [c["department"] for c in cards] == ["市城市管理局"]  # their department only
    (urban,) = cards
    response = next(r for r in urban["rates"] if r["rate"] == "response")
    assert (response["met"], response["judged"], response["unknown"], response["value"]) == (2, 4, 1, "0.5000")
    listed = api.get(f"/api/v1/supervision/scorecards/{urban['id']}/tickets/", {"rate": "feedback", "outcome": "met"})
    assert {row["hotline_no"] for row in listed.json()["results"]} == {"U1", "U2"}
    other = card("SJJ")
    assert api.get(f"/api/v1/supervision/scorecards/{other.pk}/tickets/").status_code == 404
    assert api.get(f"/api/v1/supervision/scorecards/{urban['id']}/tickets/", {"rate": "speed"}).status_code == 400


def test_the_scorecard_page_links_each_number_to_its_tickets(march, supervisor, liaison_urban):
    page = client_for(supervisor).get("/supervision/scorecards/", {"period_start": "2026-03-01"}).content.decode()
    urban = card("CGJ")
    assert f"/supervision/scorecards/{urban.pk}/tickets/?rate=response&amp;outcome=judged" in page
    mine = client_for(liaison_urban).get("/supervision/scorecards/", {"period_start": "2026-03-01"})
    assert [row.department.code for row in mine.context["rows"]] == ["CGJ"]
    listed = client_for(liaison_urban).get(f"/supervision/scorecards/{urban.pk}/tickets/?rate=response&outcome=unknown")
    assert [entry.ticket.hotline_no for entry in listed.context["page"].rows] == ["U4"]


def test_a_late_event_changes_the_draft_when_it_is_recomputed(march, tmp_path):
    score_month.import_month(tmp_path, [score_month.replied("M2", at(2026, 3, 19, 15).isoformat())])
    assert card("SJJ").completed_on_time == 3  # the draft is what was computed
    scorecards_compute(period_kind=PeriodKind.MONTH, period_start=MARCH, now=AS_OF)
    assert (card("SJJ").completed_on_time, card("SJJ").completion_unknown) == (4, 0)


def test_a_dual_handled_ticket_is_charged_to_the_territory_and_the_copied_regulator(city, dispatcher, tmp_path):
    factories.duty(city["market"], city["stall"], city["city"], role=DutyRole.REGULATOR)
    score_month.import_month(tmp_path, [score_month.ticket("D1", "DHQ", score_month.MON)])
    dispatched = client_for(dispatcher).post(
        "/api/v1/tickets/D1/dispatch/",
        {"lead_department_id": city["gov_a"].pk, "reason": "属地管理", "override_reason": "属地街道先行处置"},
        content_type="application/json",
    )
    assert dispatched.status_code == 201, dispatched.json()
    scorecards_compute(period_kind=PeriodKind.MONTH, period_start=MARCH, now=AS_OF)
    charged = set(ScoreEntry.objects.values_list("department__code", "basis"))
    assert charged == {("DHQ", ScoreBasis.HANDLED), ("SJJ", ScoreBasis.COPIED)}
    assert card("DHQ").on_time_rate == card("SJJ").on_time_rate == Decimal(0)  # both answer for the late ticket


# --- the time a bouncer held the ticket ---------------------------------------------------------------------
@pytest.fixture
def housing_liaison(city):
    return factories.user("liaison_housing", Role.LIAISON, departments=(city["housing"],))


def _bounce_and_uphold(ticket: Ticket, liaison, dispatcher, *, lodged: dt.datetime) -> None:
    assignment = ticket.assignments.get(ended_at=None, role="lead")
    bounce = bounce_create(
        assignment_id=assignment.pk,
        actor=liaison,
        reason_id=BounceReason.objects.get(code="not_our_duty").pk,
        explanation="占道经营属城管职责",
        basis="市住建局三定方案",
        now=lodged,
    )
    upheld = client_for(dispatcher).post(
        f"/api/v1/bounces/{bounce.pk}/uphold/",
        {"lead_department_id": Department.objects.get(code="CGJ").pk, "note": "退单理由成立"},
        content_type="application/json",
    )
    assert upheld.status_code == 200, upheld.json()


def test_a_bouncer_that_held_a_ticket_past_its_limits_is_charged_the_time(city, dispatcher, housing_liaison, tmp_path):
    score_month.import_month(tmp_path, [score_month.ticket("B1", "ZJJ", score_month.MON)])
    ticket = Ticket.objects.get(hotline_no="B1")
    _bounce_and_uphold(ticket, housing_liaison, dispatcher, lodged=at(2026, 3, 3, 10))  # upheld today, months on
    scorecards_compute(period_kind=PeriodKind.MONTH, period_start=MARCH)
    held = ScoreEntry.objects.get(department__code="ZJJ")
    assert (held.basis, held.response, held.on_time, held.feedback, held.satisfaction) == (
        ScoreBasis.HELD,
        "missed",
        "missed",
        "",
        "",
    )
    assert (card("ZJJ").held, card("ZJJ").response_judged, card("ZJJ").feedback_judged) == (1, 1, 0)
    assert ScoreEntry.objects.get(department__code="CGJ").basis == ScoreBasis.HANDLED  # the new owner


def test_a_bouncer_that_let_go_within_its_limits_is_not_blamed(city, dispatcher, housing_liaison, tmp_path):
    dispatched = timezone.localtime() - dt.timedelta(minutes=30)
    # The 3-hour tier counts natural hours: the test needs no calendar year beyond the one it runs in.
    record = score_month.ticket("B2", "ZJJ", dispatched.isoformat(), time_limit="3h")
    score_month.import_month(tmp_path, [record])
    ticket = Ticket.objects.get(hotline_no="B2")
    _bounce_and_uphold(ticket, housing_liaison, dispatcher, lodged=timezone.now())
    first, _end = period_bounds(PeriodKind.MONTH, dispatched.date())
    scorecards_compute(period_kind=PeriodKind.MONTH, period_start=first)
    held = ScoreEntry.objects.get(department__code="ZJJ")
    assert (held.basis, held.response, held.on_time) == (ScoreBasis.HELD, "met", "met")


def test_a_quarter_spans_three_months():
    assert period_bounds(PeriodKind.QUARTER, dt.date(2026, 5, 17)) == (dt.date(2026, 4, 1), dt.date(2026, 7, 1))
    assert period_bounds(PeriodKind.MONTH, dt.date(2026, 12, 9)) == (dt.date(2026, 12, 1), dt.date(2027, 1, 1))
