"""Scorecard arithmetic on a small known month: rates, index, dual scoring, groups, the last three, letters."""

from decimal import Decimal

import pytest

from arbitration.choices import DepartmentKind
from arbitration.services.tickets import assignment_create
from supervision.choices import LetterKind, PeriodKind
from supervision.models import LetterDraft, Scorecard
from supervision.services.scorecards import period_bounds, scorecards_compute
from tests import factories
from tests.factories import at
from tests.supervision.helpers import dispatched_ticket, rejected_bounce

pytestmark = pytest.mark.django_db

ON_TIME, LATE = at(2026, 3, 5, 15), at(2026, 3, 12, 15)  # due 2026-03-09 17:30


@pytest.fixture
def march(city, dispatcher):
    city["environment"] = factories.department("HBJ", "市生态环境局")
    replied = {"status": "replied", "result": "已处理", "satisfaction": "satisfied"}
    dispatched_ticket(city, department=city["urban"], replied_at=ON_TIME, **replied)
    dispatched_ticket(city, department=city["urban"], replied_at=ON_TIME, **replied)
    dispatched_ticket(city, department=city["market"], replied_at=ON_TIME, **replied)
    dispatched_ticket(city, department=city["market"])  # not taken up
    late = dispatched_ticket(
        city,
        department=city["housing"],
        status="replied",
        result="已处理",
        replied_at=LATE,
        satisfaction="dissatisfied",
    )
    rejected_bounce(late, city["housing"], dispatcher, reviewed_at=at(2026, 3, 3, 10))
    dispatched_ticket(city, department=city["environment"], status="handling")
    dual = dispatched_ticket(city, department=city["gov_a"], replied_at=ON_TIME, **replied)
    assignment_create(ticket=dual, department_id=city["urban"].pk, role="copied", method="dual", actor=None)
    dispatched_ticket(city, department=city["urban"], received=at(2026, 4, 1, 9))  # April: not in March
    return scorecards_compute(period_kind=PeriodKind.MONTH, period_start=at(2026, 3, 1).date())


def card(city, name) -> Scorecard:
    return Scorecard.objects.get(department=city[name], period_kind=PeriodKind.MONTH)


def test_rates_and_service_index_follow_the_weights(march, city):
    market = card(city, "market")
    assert (market.tickets, market.responded, market.completed_on_time, market.rated) == (2, 1, 1, 1)
    assert (market.response_rate, market.on_time_rate, market.satisfaction_rate) == (
        Decimal("0.5"),
        Decimal("0.5"),
        Decimal("1"),
    )
    assert market.service_index == Decimal("80.00")  # 15×.5 + 15×.5 + 10×.5 + 60×1
    housing = card(city, "housing")
    assert housing.service_index == Decimal("25.00")  # responded and fed back, late, unsatisfied
    assert (housing.bounces, housing.bounce_rate, housing.unreasonable_bounce_rate) == (1, Decimal("0.5"), Decimal("1"))
    assert card(city, "environment").service_index == Decimal("75.00")  # nothing rated: satisfaction counts full


def test_dual_handled_tickets_score_both_territory_and_regulator(march, city):
    assert card(city, "urban").tickets == 3  # two of its own and one it is copied on
    assert card(city, "gov_a").tickets == 1


def test_departments_are_ranked_within_their_kind_and_the_last_three_marked(march, city):
    bureaus = Scorecard.objects.filter(group=DepartmentKind.BUREAU).order_by("rank")
    assert [(c.department.code, c.rank, c.in_bottom) for c in bureaus] == [
        ("CGJ", 1, False),
        ("SJJ", 2, True),
        ("HBJ", 3, True),
        ("ZJJ", 4, True),
    ]
    district = card(city, "gov_a")
    assert (district.group, district.rank, district.group_size, district.in_bottom) == ("district", 1, 1, False)


def test_the_last_three_get_warning_drafts_and_an_index_below_80_an_interview(march, city):
    drafts = {(d.department.code, d.kind) for d in LetterDraft.objects.all()}
    assert drafts == {
        ("SJJ", LetterKind.WARNING),
        ("HBJ", LetterKind.WARNING),
        ("ZJJ", LetterKind.WARNING),
        ("HBJ", LetterKind.INTERVIEW),
        ("ZJJ", LetterKind.INTERVIEW),
    }


def test_recomputing_a_month_changes_nothing(march, city):
    before = list(Scorecard.objects.order_by("pk").values_list("pk", "service_index", "rank"))
    scorecards_compute(period_kind=PeriodKind.MONTH, period_start=at(2026, 3, 15).date())
    assert list(Scorecard.objects.order_by("pk").values_list("pk", "service_index", "rank")) == before
    assert LetterDraft.objects.count() == 5


def test_a_quarter_spans_three_months(city):
    assert period_bounds(PeriodKind.QUARTER, at(2026, 5, 17).date()) == (at(2026, 4, 1).date(), at(2026, 7, 1).date())
    assert period_bounds(PeriodKind.MONTH, at(2026, 12, 9).date()) == (at(2026, 12, 1).date(), at(2027, 1, 1).date())
