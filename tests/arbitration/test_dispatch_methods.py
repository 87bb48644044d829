"""Dispatch methods (docs/dispatch.md): who may bounce, who is charged, and the ring of departments — all driven
through the API the dispatcher's and liaisons' systems use."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from arbitration.choices import AssignmentMethod, DisputeTrigger, Role, TimeUnit
from arbitration.models import Bounce, BounceReason, Dispute, TimeLimitTier
from supervision.choices import PeriodKind, ScoreBasis
from supervision.models import ScoreEntry
from supervision.services.scorecards import scorecards_compute
from tests import factories

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def ticket(city):
    return factories.ticket(city, received_at=timezone.now())


def dispatch(dispatcher, ticket, lead, *, method: str, co_handlers=(), expect: int = 201):
    response = api(dispatcher).post(
        f"/api/v1/tickets/{ticket.hotline_no}/dispatch/",
        {
            "lead_department_id": lead.pk,
            "co_handler_ids": [d.pk for d in co_handlers],
            "method": method,
            "override_reason": "按派单方式指定",
        },
        format="json",
    )
    assert response.status_code == expect, response.content
    return response


def bounce(liaison, ticket, department, *, proposed=None, expect: int = 201):
    assignment = ticket.assignments.get(department=department, ended_at=None)
    response = api(liaison).post(
        f"/api/v1/assignments/{assignment.pk}/bounce/",
        {
            "reason_id": BounceReason.objects.get(code="not_our_duty").pk,
            "explanation": "非本单位职责",
            "basis": "三定方案",
            "basis_document": "明编办〔2026〕3号",
            "proposed_department_id": proposed.pk if proposed else None,
        },
        format="json",
    )
    assert response.status_code == expect, response.content
    return response


# --- who may bounce ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("method", "status"), [(AssignmentMethod.DIRECT, 201), (AssignmentMethod.FIRST_RECEIVER, 409)])
def test_a_first_receiver_cannot_bounce_the_ticket_a_direct_lead_can(
    method, status, city, ticket, dispatcher, liaison_urban
):
    dispatch(dispatcher, ticket, city["urban"], method=method)
    response = bounce(liaison_urban, ticket, city["urban"], proposed=city["market"], expect=status)
    if status == 409:
        assert response.json()["code"] == "first_receiver_holds"
        assert not Bounce.objects.filter(ticket=ticket).exists()


def test_under_dual_dispatch_each_department_may_bounce_its_own_part(city, ticket, dispatcher, liaison_urban):
    liaison_gov = factories.user("liaison_gov_a", Role.LIAISON, departments=(city["gov_a"],))
    dispatch(dispatcher, ticket, city["gov_a"], method=AssignmentMethod.DUAL, co_handlers=[city["urban"]])
    bounce(liaison_urban, ticket, city["urban"])
    bounce(liaison_gov, ticket, city["gov_a"])
    assert set(Bounce.objects.filter(ticket=ticket).values_list("department__code", flat=True)) == {"CGJ", "DHQ"}


def test_a_dual_dispatch_without_a_sector_department_is_refused_and_writes_nothing(city, ticket, dispatcher):
    response = dispatch(dispatcher, ticket, city["gov_a"], method=AssignmentMethod.DUAL, expect=400)
    assert response.json()["details"]["field"] == "co_handler_ids"
    assert not ticket.assignments.exists()


# --- scorecards ---------------------------------------------------------------------------------------------
def charged(ticket) -> dict[str, str]:
    start = timezone.localdate().replace(day=1)
    scorecards_compute(period_kind=PeriodKind.MONTH, period_start=start, now=timezone.now())
    entries = ScoreEntry.objects.filter(ticket=ticket).values_list("department__code", "basis")
    return dict(entries)


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (AssignmentMethod.DIRECT, {"DHQ": ScoreBasis.HANDLED}),  # a plain co-handler is not charged
        (AssignmentMethod.DUAL, {"DHQ": ScoreBasis.DUAL_PART, "CGJ": ScoreBasis.DUAL_PART}),
        (AssignmentMethod.FIRST_RECEIVER, {"DHQ": ScoreBasis.HANDLED}),
    ],
)
def test_the_method_decides_who_is_charged_on_the_scorecards(method, expected, city, ticket, dispatcher):
    dispatch(dispatcher, ticket, city["gov_a"], method=method, co_handlers=[city["urban"]])
    assert charged(ticket) == expected


def test_a_first_receiver_is_charged_until_ownership_is_settled(city, ticket, dispatcher):
    from arbitration.services.disputes import dispute_agree, dispute_open

    dispatch(dispatcher, ticket, city["gov_a"], method=AssignmentMethod.FIRST_RECEIVER)
    assert charged(ticket) == {"DHQ": ScoreBasis.HANDLED}
    dispute = dispute_open(
        ticket_id=ticket.pk, actor=dispatcher, trigger=DisputeTrigger.DISPATCHER,
        party_ids=[city["gov_a"].pk, city["urban"].pk], reason="权属不清",
    )  # fmt: skip
    dispute_agree(dispute_id=dispute.pk, actor=dispatcher, lead_department_id=city["urban"].pk, minutes="协商一致")
    assert charged(ticket) == {"CGJ": ScoreBasis.HANDLED}


# --- the ring ----------------------------------------------------------------------------------------------
@override_settings(MINGZE_DISPUTE_BOUNCE_THRESHOLD=10)  # so that only the ring, not the bounce count, can open it
def test_a_ticket_passed_round_three_departments_opens_a_dispute_with_the_whole_ring(
    city, ticket, dispatcher, liaison_urban, liaison_market
):
    liaison_housing = factories.user("liaison_housing", Role.LIAISON, departments=(city["housing"],))
    dispatch(dispatcher, ticket, city["urban"], method=AssignmentMethod.DIRECT)
    route = [(liaison_urban, city["urban"], city["market"]), (liaison_market, city["market"], city["housing"]),
             (liaison_housing, city["housing"], city["urban"])]  # fmt: skip
    for step, (liaison, holder, proposed) in enumerate(route):
        assert not Dispute.objects.filter(ticket=ticket).exists(), f"opened too early, at step {step}"
        made = bounce(liaison, ticket, holder, proposed=proposed).json()
        upheld = api(dispatcher).post(
            f"/api/v1/bounces/{made['id']}/uphold/",
            {"lead_department_id": proposed.pk, "override_reason": "复核成立", "note": "退单理由成立"},
            format="json",
        )
        assert upheld.status_code == 200, upheld.content
    dispute = Dispute.objects.get(ticket=ticket)
    assert dispute.trigger == DisputeTrigger.RING
    assert set(dispute.parties.values_list("code", flat=True)) == {"CGJ", "SJJ", "ZJJ"}
    assert dispute.provisional_handler == city["urban"]  # the ticket keeps moving meanwhile


def test_ring_detection_counts_rings_of_three_or_more_only():
    from arbitration.services.disputes import ring_of

    assert ring_of([1, 2, 3, 1]) == [1, 2, 3]
    assert ring_of([1, 2, 3, 4, 2]) == [2, 3, 4]
    assert ring_of([1, 2, 1]) == []  # ping-pong has its own rule
    assert ring_of([1, 2, 1, 1]) == []
    assert ring_of([1, 2, 3, 3]) == []


# --- the urgent tier ----------------------------------------------------------------------------------------------
def test_an_urgent_tier_asks_for_a_first_response_within_two_hours():
    urgent = TimeLimitTier.objects.get(code="urgent")
    assert (urgent.response_amount, urgent.response_unit) == (2, TimeUnit.NATURAL_HOURS)
    assert TimeLimitTier.objects.count() == 6
