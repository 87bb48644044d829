"""Rounds of a ticket (docs/dispatch.md): verification (核验) before it counts as handled, second dispatch (二次派单)
after an unsatisfied re-handling, and the consultation (会商) a third unsatisfied round opens — fed as the hotline
platform sends its events, through the API."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from arbitration.choices import DisputeTrigger, TicketEventKind, TicketStatus
from arbitration.models import Dispute, Ticket
from supervision.choices import PeriodKind, ScoreOutcome
from supervision.models import ScoreEntry
from supervision.services.scorecards import scorecards_compute
from tests import factories

pytestmark = pytest.mark.django_db


class Platform:
    """The hotline platform posting one ticket's events a second apart, in order."""

    def __init__(self, user, ticket: Ticket) -> None:
        self.client = APIClient()
        self.client.force_authenticate(user)
        self.ticket = ticket
        self.clock = itertools.count(1)

    def post(self, kind: str, expect: int = 201, **facts):
        n = next(self.clock)
        at = self.ticket.dispatched_at + dt.timedelta(seconds=n)
        response = self.client.post(
            f"/api/v1/tickets/{self.ticket.hotline_no}/events/",
            {"event_id": f"{self.ticket.hotline_no}-{n}", "kind": kind, "at": at.isoformat(), **facts},
            format="json",
        )
        assert response.status_code == expect, response.content
        return response.json()

    def unsatisfied_round(self) -> None:
        self.post("replied", text="已处理并答复市民。")
        self.post("visited", satisfaction="dissatisfied")


@pytest.fixture
def ticket(city):
    return factories.ticket(city, dispatched_to=city["urban"], received_at=timezone.now() - dt.timedelta(minutes=1))


def second_dispatch(client_user, ticket, lead, expect: int = 201):
    client = APIClient()
    client.force_authenticate(client_user)
    response = client.post(
        f"/api/v1/tickets/{ticket.hotline_no}/second-dispatch/",
        {"lead_department_id": lead.pk, "reason": "重办后仍不满意，改派"},
        format="json",
    )
    assert response.status_code == expect, response.content
    return response.json()


# --- second dispatch and the consultation -------------------------------------------------------------------------
def test_second_dispatch_needs_an_unsatisfied_round_after_re_handling(city, ticket, dispatcher):
    platform = Platform(dispatcher, ticket)
    platform.unsatisfied_round()  # the first round: re-handling comes first, not a second dispatch
    assert second_dispatch(dispatcher, ticket, city["market"], expect=409)["code"] == "illegal_move"
    platform.post("rehandled")
    platform.unsatisfied_round()
    second_dispatch(dispatcher, ticket, city["market"])
    ticket.refresh_from_db()
    assert (ticket.dispatch_round, ticket.status, ticket.replied_at, ticket.satisfaction) == (
        2, TicketStatus.HANDLING, None, "",
    )  # fmt: skip
    assert ticket.assignments.get(ended_at=None, role="lead").department == city["market"]
    # The first round stays readable: both of its replies and visits are still on the ticket's record.
    kinds = list(ticket.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds.count(TicketEventKind.VISITED) == 2 and kinds.count(TicketEventKind.REPLIED) == 2
    assert ticket.events.get(kind=TicketEventKind.SECOND_DISPATCH).data["round"] == 2


def test_the_third_unsatisfied_round_opens_a_consultation_with_every_department_involved(city, ticket, dispatcher):
    platform = Platform(dispatcher, ticket)
    platform.unsatisfied_round()
    platform.post("rehandled")
    platform.unsatisfied_round()
    assert not Dispute.objects.filter(ticket=ticket).exists()
    second_dispatch(dispatcher, ticket, city["market"])
    platform.unsatisfied_round()
    dispute = Dispute.objects.get(ticket=ticket)
    assert dispute.trigger == DisputeTrigger.UNSATISFIED
    assert set(dispute.parties.values_list("code", flat=True)) == {"CGJ", "SJJ"}


# --- verification -------------------------------------------------------------------------------------------------
def on_time(ticket) -> str:
    scorecards_compute(
        period_kind=PeriodKind.MONTH, period_start=timezone.localdate().replace(day=1), now=timezone.now()
    )
    return ScoreEntry.objects.get(ticket=ticket, department__code="CGJ").on_time


@override_settings(MINGZE_VERIFICATION_TIERS=["5wd"])
def test_a_reply_of_a_verified_tier_counts_as_handled_only_once_verified(ticket, dispatcher):
    platform = Platform(dispatcher, ticket)
    platform.post("replied", text="已处理并答复市民。")
    assert on_time(ticket) == ScoreOutcome.UNKNOWN  # replied, not yet verified: not handled
    refused = platform.post("visited", expect=409, satisfaction="satisfied")
    assert refused["code"] == "event_not_allowed"
    platform.post("verified")
    assert on_time(ticket) == ScoreOutcome.MET
    platform.post("visited", satisfaction="satisfied")


def test_without_verification_configured_the_reply_counts_at_once(ticket, dispatcher):
    Platform(dispatcher, ticket).post("replied", text="已处理并答复市民。")
    assert on_time(ticket) == ScoreOutcome.MET


@override_settings(MINGZE_VERIFICATION_TIERS=["5wd"])
def test_a_failed_verification_sends_the_reply_back_to_the_department(ticket, dispatcher):
    platform = Platform(dispatcher, ticket)
    platform.post("replied", text="已处理。")
    facts = platform.post("verification_failed", text="答复内容与现场不符")["ticket"]
    assert (facts["status"], facts["replied_at"], facts["handled_at"]) == (TicketStatus.HANDLING, None, None)
    assert on_time(ticket) == ScoreOutcome.UNKNOWN
