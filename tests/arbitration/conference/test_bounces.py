"""Bounces: every refusal gives its message and writes nothing; review upholds or rejects."""

import datetime as dt

import pytest
from django.test.utils import override_settings
from django.utils import timezone

from arbitration.choices import BounceOutcome, DisputeStatus, DisputeTrigger
from arbitration.errors import (
    AlreadyBounced,
    BounceAlreadyReviewed,
    BounceWindowClosed,
    NotFound,
    NotOfDepartment,
)
from arbitration.models import Bounce, BounceReason, Dispute, TicketEvent
from arbitration.services.bounces import bounce_reject, bounce_uphold, bounce_window_closes
from arbitration.signals import bounce_rejected
from tests.arbitration.conference.conftest import bounce, lead_assignment

pytestmark = pytest.mark.django_db


def nothing_written(ticket, events_before: int) -> bool:
    return not Bounce.objects.filter(ticket=ticket).exists() and ticket.events.count() == events_before


def test_the_default_reasons_are_seeded_with_litigation_routed_to_the_legal_desk():
    names = list(BounceReason.objects.values_list("name", flat=True))
    assert names == ["非本单位职责", "属地不符", "权属不清", "职能交叉", "信息不全", "涉及诉讼或仲裁"]
    assert BounceReason.objects.get(code="litigation_or_arbitration").routes_to_legal_desk


def test_a_liaison_bounces_their_assignment_and_the_clock_keeps_running(fresh_ticket, liaison_urban, city):
    due_before = fresh_ticket.due_at
    made = bounce(fresh_ticket, liaison_urban, proposed=city["market"])
    fresh_ticket.refresh_from_db()
    assert made.outcome == BounceOutcome.PENDING and made.department == city["urban"]
    assert fresh_ticket.due_at == due_before and lead_assignment(fresh_ticket).department == city["urban"]
    assert fresh_ticket.events.filter(kind="bounced").exists()


def test_a_bounce_after_the_window_is_refused_with_its_deadline_and_writes_nothing(fresh_ticket, liaison_urban):
    closes = bounce_window_closes(lead_assignment(fresh_ticket))
    events = fresh_ticket.events.count()
    with pytest.raises(BounceWindowClosed) as refused:
        bounce(fresh_ticket, liaison_urban, now=closes + dt.timedelta(minutes=1))
    assert "2" in str(refused.value) and timezone.localtime(closes).strftime("%Y-%m-%d %H:%M") in str(refused.value)
    assert nothing_written(fresh_ticket, events)


def test_the_window_counts_working_days_on_the_calendar(city, fresh_ticket):
    assignment = lead_assignment(fresh_ticket)
    assignment.assigned_at = dt.datetime(2026, 9, 30, 10, tzinfo=dt.UTC)  # before the National Day week
    closes = timezone.localtime(bounce_window_closes(assignment))
    assert closes.date() == dt.date(2026, 10, 9)  # 10-1..10-7 off; 10-8 first working day, 10-9 second


def test_a_bounce_just_inside_the_window_is_accepted(fresh_ticket, liaison_urban):
    closes = bounce_window_closes(lead_assignment(fresh_ticket))
    assert bounce(fresh_ticket, liaison_urban, now=closes).pk


def test_a_second_bounce_of_the_same_assignment_is_refused(fresh_ticket, liaison_urban):
    first = bounce(fresh_ticket, liaison_urban)
    events = fresh_ticket.events.count()
    with pytest.raises(AlreadyBounced):
        bounce(fresh_ticket, liaison_urban, code="wrong_territory")
    assert list(Bounce.objects.filter(ticket=fresh_ticket)) == [first]
    assert fresh_ticket.events.count() == events


def test_a_liaison_of_another_department_is_refused_by_name(fresh_ticket, liaison_market, city, dispatcher):
    # The market liaison is copied in: they can see the ticket, so they are told why they may not bounce it.
    from arbitration.services.tickets import assignment_create

    assignment_create(
        ticket=fresh_ticket, department_id=city["market"].pk, role="co_handler", method="direct", actor=dispatcher
    )
    events = fresh_ticket.events.count()
    with pytest.raises(NotOfDepartment) as refused:
        bounce(fresh_ticket, liaison_market)
    assert city["urban"].name in str(refused.value)
    assert nothing_written(fresh_ticket, events)


def test_an_outsider_cannot_even_learn_the_assignment_exists(fresh_ticket, outsider):
    events = fresh_ticket.events.count()
    with pytest.raises(NotFound):
        bounce(fresh_ticket, outsider)
    assert nothing_written(fresh_ticket, events)


def test_upholding_redispatches_to_the_proposed_owner(fresh_ticket, liaison_urban, dispatcher, city):
    made = bounce(fresh_ticket, liaison_urban, proposed=city["market"])
    bounce_uphold(
        bounce_id=made.pk,
        actor=dispatcher,
        lead_department_id=city["market"].pk,
        note="属实",
        override_reason="退单理由成立",
    )
    made.refresh_from_db()
    assert made.outcome == BounceOutcome.UPHELD and made.reviewed_by == dispatcher
    assert lead_assignment(fresh_ticket).department == city["market"]
    with pytest.raises(BounceAlreadyReviewed):
        bounce_reject(bounce_id=made.pk, actor=dispatcher, note="again")


def test_rejecting_keeps_the_ticket_records_an_unreasonable_bounce_and_signals(
    fresh_ticket, liaison_urban, dispatcher, city
):
    received = []

    def listener(sender, bounce, actor, **kwargs):
        received.append((bounce.pk, actor))

    bounce_rejected.connect(listener)
    try:
        made = bounce(fresh_ticket, liaison_urban)
        bounce_reject(bounce_id=made.pk, actor=dispatcher, note="占道经营属城管职责")
    finally:
        bounce_rejected.disconnect(listener)
    assert received == [(made.pk, dispatcher)]
    assert lead_assignment(fresh_ticket).department == city["urban"]
    assert Bounce.objects.filter(department=city["urban"], outcome=BounceOutcome.REJECTED).count() == 1


def test_two_bounces_between_two_departments_open_a_dispute(dispute, city):
    assert dispute.status == DisputeStatus.OPEN and dispute.trigger == DisputeTrigger.BOUNCE_COUNT
    assert set(dispute.parties.all()) == {city["urban"], city["market"]}
    assert dispute.provisional_handler == city["market"]  # still handled under the current division
    assert dispute.transitions.count() == 1
    assert TicketEvent.objects.filter(ticket=dispute.ticket, kind="dispute_opened").exists()


@override_settings(MINGZE_DISPUTE_BOUNCE_THRESHOLD=5)
def test_ping_pong_opens_a_dispute_before_the_count_is_reached(
    fresh_ticket, liaison_urban, liaison_market, dispatcher, city
):
    b1 = bounce(fresh_ticket, liaison_urban, proposed=city["market"])
    bounce_uphold(bounce_id=b1.pk, actor=dispatcher, lead_department_id=city["market"].pk, override_reason="x")
    b2 = bounce(fresh_ticket, liaison_market, proposed=city["urban"])
    assert not Dispute.objects.exists()
    bounce_uphold(bounce_id=b2.pk, actor=dispatcher, lead_department_id=city["urban"].pk)
    bounce(fresh_ticket, liaison_urban, code="overlapping_duties")
    assert Dispute.objects.get().trigger == DisputeTrigger.PING_PONG
