"""The cockpit's daily counts equal a direct count of tickets, bounces and disputes, whatever path the data took.

Data arrives as in production: the intake API, platform events through their API, `import_tickets` (its bulk path),
dispatch and re-dispatch, bounces and disputes through their services. The direct count below is written from the
rule in docs/cockpit.md, not from supervision/rollups, so it can disagree with it.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from collections import Counter
from itertools import combinations

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from arbitration.choices import AssignmentRole, Channel, DisputeTrigger, RequestType, Role
from arbitration.errors import DomainError
from arbitration.models import Assignment, Bounce, BounceReason, Dispute, Territory, Ticket
from arbitration.services.bounces import bounce_create
from arbitration.services.dispatch import ticket_dispatch
from arbitration.services.disputes import dispute_open
from supervision.models import (
    DailyDepartmentVolume,
    DailyDistrictVolume,
    DailyFriction,
    DailyPlaceVolume,
    DailyVolume,
)
from supervision.rollups.build import rollups_rebuild
from tests import factories

pytestmark = pytest.mark.django_db

PLACES = ["370802001001", "370811001001", "370802001", "370811", "370800"]
MATTERS = ["010101", "010102"]
DEPARTMENTS = ["urban", "market", "housing"]
IMPORT_COLUMNS = ["hotline_no", "received_at", "request_type", "matter", "territory", "title", "content"]


# --- the direct count ----------------------------------------------------------------------------------------------
def _district_street(territory: Territory) -> tuple[str, str]:
    chain, node = {}, territory
    while node is not None:
        chain[node.level] = node.code
        node = node.parent
    return chain.get(2, ""), chain.get(3, "")


def _family(matter) -> int:
    while matter.parent_id is not None:
        matter = matter.parent
    return matter.pk


def direct_volume() -> tuple[Counter, Counter, Counter]:
    """(by day, channel, type and district; by day, matter family and district; by day, family, district, street)."""
    volume: Counter = Counter()
    district_volume: Counter = Counter()
    place: Counter = Counter()
    for ticket in Ticket.objects.select_related("territory__parent__parent__parent", "matter__parent__parent"):
        day = timezone.localdate(ticket.received_at)
        district, street = _district_street(ticket.territory)
        volume[(day, ticket.channel, ticket.request_type, district)] += 1
        district_volume[(day, _family(ticket.matter), district)] += 1
        place[(day, _family(ticket.matter), district, street)] += 1
    return volume, district_volume, place


def direct_by_department() -> Counter:
    counted: Counter = Counter()
    for ticket in Ticket.objects.all():
        leads = Assignment.objects.filter(ticket=ticket, role=AssignmentRole.LEAD, ended_at=None)
        lead = leads.values_list("department_id", flat=True).first() or 0
        counted[(timezone.localdate(ticket.received_at), lead)] += 1
    return counted


def direct_friction() -> Counter:
    counted: Counter = Counter()
    for bounce in Bounce.objects.all():
        day = timezone.localdate(bounce.created_at)
        counted[(day, "bounce", bounce.department_id, bounce.proposed_department_id or 0)] += 1
    for dispute in Dispute.objects.all():
        for pair in combinations(sorted(dispute.parties.values_list("pk", flat=True)), 2):
            counted[(timezone.localdate(dispute.opened_at), "dispute", *pair)] += 1
    return counted


def rolled_up() -> tuple[tuple[Counter, Counter, Counter], Counter, Counter]:
    volume = Counter(
        {(r.day, r.channel, r.request_type, r.district_code): r.tickets for r in DailyVolume.objects.all()}
    )
    district_volume = Counter(
        {(r.day, r.family_id, r.district_code): r.tickets for r in DailyDistrictVolume.objects.all()}
    )
    place = Counter(
        {(r.day, r.family_id, r.district_code, r.street_code): r.tickets for r in DailyPlaceVolume.objects.all()}
    )
    departments = Counter({(r.day, r.department_id): r.tickets for r in DailyDepartmentVolume.objects.all()})
    friction: Counter = Counter()
    for r in DailyFriction.objects.all():
        friction[(r.day, r.kind, r.from_department_id, r.to_department_id)] += r.events
    return (volume, district_volume, place), departments, friction


def assert_rollups_equal_a_direct_count() -> None:
    volume, departments, friction = rolled_up()
    assert volume == direct_volume()
    assert departments == direct_by_department()
    assert friction == direct_friction()


# --- the ways data arrives -----------------------------------------------------------------------------------------
class City:
    def __init__(self, city, dispatcher):
        self.city, self.dispatcher = city, dispatcher
        self.client = APIClient()
        self.client.force_login(dispatcher)
        self.numbers: list[str] = []
        self.serial = 0
        self.reason = BounceReason.objects.filter(is_active=True).first()
        self.liaisons = {
            name: factories.user(f"liaison_{name}", Role.LIAISON, departments=(city[name],)) for name in DEPARTMENTS
        }

    def number(self) -> str:
        self.serial += 1
        return f"P{timezone.now():%H%M%S%f}{self.serial:04d}"

    def department(self, index: int):
        return self.city[DEPARTMENTS[index % len(DEPARTMENTS)]]

    def ticket(self, index: int) -> Ticket | None:
        return Ticket.objects.get(hotline_no=self.numbers[index % len(self.numbers)]) if self.numbers else None

    def intake(self, day: int, channel: str, kind: str, place: int, matter: int, lead: int | None) -> None:
        number = self.number()
        payload = {
            "hotline_no": number,
            "received_at": f"2026-03-{day:02d}T23:30:00+08:00",  # late evening: the local day, not the UTC one
            "channel": channel,
            "request_type": kind,
            "matter": MATTERS[matter],
            "territory": PLACES[place],
            "title": "诉求",
            "content": "内容",
        }
        if lead is not None:
            payload["dispatched_to"] = self.department(lead).code
        assert self.client.post("/api/v1/tickets/", payload, format="json").status_code == 201
        self.numbers.append(number)

    def resend(self, index: int, matter: int, place: int) -> None:
        ticket = self.ticket(index)
        payload = {
            "hotline_no": ticket.hotline_no,
            "received_at": ticket.received_at.isoformat(),
            "request_type": ticket.request_type,
            "matter": MATTERS[matter],
            "territory": PLACES[place],
            "title": ticket.title,
            "content": ticket.content,
        }
        assert self.client.post("/api/v1/tickets/", payload, format="json").status_code in (200, 201)

    def event(self, index: int) -> None:
        ticket = self.ticket(index)
        url = f"/api/v1/tickets/{ticket.hotline_no}/events/"
        response = self.client.post(
            url, {"event_id": self.number(), "kind": "reminded", "at": "2026-03-30T10:00:00"}, format="json"
        )
        assert response.status_code in (201, 409), response.json()

    def imported(self, tmp_path, days: list[int]) -> None:
        path = tmp_path / f"import{self.serial}.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=IMPORT_COLUMNS)
            writer.writeheader()
            for day in days:
                number = self.number()
                self.numbers.append(number)
                writer.writerow(
                    {
                        "hotline_no": number,
                        "received_at": f"2026-03-{day:02d}T00:30:00+08:00",
                        "request_type": "投诉",
                        "matter": MATTERS[day % 2],
                        "territory": PLACES[day % len(PLACES)],
                        "title": "占道经营",
                        "content": "夜市摊贩占用人行道。",
                    }
                )
        call_command("import_tickets", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    def dispatch(self, index: int, lead: int) -> None:
        ticket = self.ticket(index)
        ticket_dispatch(
            ticket_id=ticket.pk,
            lead_department_id=self.department(lead).pk,
            actor=self.dispatcher,
            reason="派单",
            override_reason="测试",
        )

    def bounce(self, index: int, proposed: int) -> None:
        ticket = self.ticket(index)
        lead = ticket.assignments.filter(role=AssignmentRole.LEAD, ended_at=None).first()
        if lead is None or hasattr(lead, "bounce"):
            return
        bounce_create(
            assignment_id=lead.pk,
            actor=self.liaisons[next(n for n in DEPARTMENTS if self.city[n].pk == lead.department_id)],
            reason_id=self.reason.pk,
            explanation="非本单位职责",
            basis="三定方案",
            basis_document="编办〔2026〕1号",
            proposed_department_id=self.department(proposed).pk,
        )

    def dispute(self, index: int, first: int, second: int) -> None:
        ticket = self.ticket(index)
        if ticket.disputes.exists() or first % 3 == second % 3:
            return
        dispute_open(
            ticket_id=ticket.pk,
            actor=self.dispatcher,
            trigger=DisputeTrigger.DISPATCHER,
            party_ids=[self.department(first).pk, self.department(second).pk],
            reason="争议",
        )


small = st.integers(min_value=0, max_value=20)
OPERATIONS = st.one_of(
    st.tuples(
        st.just("intake"),
        st.integers(1, 28),
        st.sampled_from([c.value for c in Channel][:3]),
        st.sampled_from([t.value for t in RequestType][:3]),
        st.integers(0, len(PLACES) - 1),
        st.integers(0, 1),
        st.one_of(st.none(), st.integers(0, 2)),
    ),
    st.tuples(st.just("resend"), small, st.integers(0, 1), st.integers(0, len(PLACES) - 1)),
    st.tuples(st.just("event"), small),
    st.tuples(st.just("imported"), st.lists(st.integers(1, 28), min_size=1, max_size=4)),
    st.tuples(st.just("dispatch"), small, st.integers(0, 2)),
    st.tuples(st.just("bounce"), small, st.integers(0, 2)),
    st.tuples(st.just("dispute"), small, st.integers(0, 2), st.integers(0, 2)),
)


@pytest.fixture
def hotline(city, dispatcher):
    return City(city, dispatcher)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(OPERATIONS, min_size=1, max_size=6))
def test_the_rollups_equal_a_direct_count_after_any_mix_of_arrivals_and_changes(
    hotline, tmp_path, operations, django_capture_on_commit_callbacks
):
    # Examples share the database: the invariant holds over everything written so far, not only this example.
    for name, *arguments in operations:
        if name != "intake" and name != "imported" and not hotline.numbers:
            continue
        with django_capture_on_commit_callbacks(execute=True):
            if name == "imported":
                hotline.imported(tmp_path, *arguments)
            else:
                # A refused move writes nothing (the services' rule), so it is simply one more thing that happened.
                with contextlib.suppress(DomainError):
                    getattr(hotline, name)(*arguments)
        assert_rollups_equal_a_direct_count()


def test_a_rebuild_is_idempotent_and_repairs_damaged_days(hotline, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hotline.intake(3, "phone", "help", 0, 0, 0)
        hotline.intake(3, "web", "complaint", 1, 1, None)
        hotline.bounce(0, 1)
    before = rolled_up()
    DailyVolume.objects.all().delete()
    DailyPlaceVolume.objects.filter(family_id=hotline.city["urban_family"].pk).delete()
    DailyDistrictVolume.objects.all().delete()
    DailyFriction.objects.filter(kind="bounce").update(events=99)

    rollups_rebuild(dt.date(2026, 3, 1), timezone.localdate())
    rollups_rebuild(dt.date(2026, 3, 1), timezone.localdate())

    assert rolled_up() == before
    assert_rollups_equal_a_direct_count()


def test_the_command_rebuilds_from_a_day(hotline, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hotline.intake(3, "phone", "help", 0, 0, 0)
    DailyVolume.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_rollups", "--since", "2026-03-01", stdout=out)
    assert_rollups_equal_a_direct_count()
    assert DailyVolume.objects.get().tickets == 1
