"""A disputed ticket, its parties' liaisons, and a conference session with seated members."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from arbitration.choices import Role
from arbitration.models import Assignment, BounceReason, Department, Ticket
from arbitration.services.bounces import bounce_create, bounce_uphold
from arbitration.services.conferences import seat_grant, session_schedule
from arbitration.services.disputes import dispute_put_on_agenda
from tests import factories


def reason(code: str) -> BounceReason:
    return BounceReason.objects.get(code=code)


def lead_assignment(ticket: Ticket) -> Assignment:
    return ticket.assignments.get(ended_at=None, role="lead")


# The small city's catalogue names the urban bureau lead for stalls, so its "not our duty" bounces must cite a
# document that says otherwise (docs/bounces.md); the builders below cite one unless a test says not to.
STAFFING_OFFICE_NOTICE = "明编办〔2026〕3号《关于占道经营管理职责划分的通知》"


def bounce(ticket: Ticket, liaison, *, code: str = "not_our_duty", proposed: Department | None = None, **extra):
    extra.setdefault("basis_document", STAFFING_OFFICE_NOTICE)
    return bounce_create(
        assignment_id=lead_assignment(ticket).pk,
        actor=liaison,
        reason_id=reason(code).pk,
        explanation="本单位三定方案不含此项职责。",
        basis="《市城市管理局职能配置》第三条",
        proposed_department_id=proposed.pk if proposed else None,
        **extra,
    )


@pytest.fixture
def liaison_gov_a(city):
    return factories.user("liaison_gov_a", Role.LIAISON, departments=(city["gov_a"],))


@pytest.fixture
def fresh_ticket(city):
    """A ticket dispatched to the urban-management bureau just now (so the bounce window is open)."""
    return factories.ticket(city, dispatched_to=city["urban"], received_at=timezone.now())


@pytest.fixture
def dispute(city, fresh_ticket, dispatcher, liaison_urban, liaison_market):
    """urban bounces to market, the review upholds it, market bounces back: a dispute between the two."""
    bounce_uphold(
        bounce_id=bounce(fresh_ticket, liaison_urban, proposed=city["market"]).pk,
        actor=dispatcher,
        lead_department_id=city["market"].pk,
        note="属市场监管职责",
        override_reason="复核认定",
    )
    bounce(fresh_ticket, liaison_market, proposed=city["urban"])
    return fresh_ticket.disputes.get()


@pytest.fixture
def chair(db):
    return factories.user("chair", Role.DISPATCHER, full_name="会议主持人")


def seat_members(session, departments, prefix="member"):
    members = []
    for index, department in enumerate(departments):
        member = factories.user(f"{prefix}{index}", Role.CONFERENCE_MEMBER, full_name=f"{department.name}成员")
        seat_grant(session_id=session.pk, member_id=member.pk, department_id=department.pk, actor=None)
        members.append(member)
    return members


@pytest.fixture
def session(chair):
    """A session in progress (it began an hour ago): its items may be closed."""
    return session_schedule(
        title="2026年第1次联席会议",
        scheduled_for=timezone.now() - dt.timedelta(hours=1),
        chair_id=chair.pk,
        actor=chair,
    )


@pytest.fixture
def item(dispute, session, chair):
    return dispute_put_on_agenda(dispute_id=dispute.pk, session_id=session.pk, actor=chair)


@pytest.fixture
def bodies(city):
    """Five non-party bodies with a seat each, plus the two parties (urban, market)."""
    extra = [
        factories.department(f"B{n}", name)
        for n, name in enumerate(["市委编办", "市司法局", "市纪委监委", "市交通运输局", "市生态环境局"])
    ]
    return [*extra, city["urban"], city["market"]]
