"""`manage.py seed_demo`: the demo city, its people, its catalogue (with gaps and overlaps) and its tickets.

A demo of a year's history takes a while to seed: the tests that only read it share one (`demo`, seeded once for the
module outside the tests' transactions and flushed afterwards); the tests of a second run seed inside their own
transaction, which rolls back to that city."""

import io
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Exists, OuterRef
from django.test import override_settings

from arbitration.choices import DutyRole, Role, TerritoryLevel, TicketEventKind
from arbitration.demo.context import DemoContext
from arbitration.models import Assignment, Department, Duty, Matter, Territory, Ticket, TicketEvent, User
from arbitration.signals import demo_seeded

pytestmark = pytest.mark.django_db

NOW = "2026-11-20T10:00:00+08:00"  # fixed, so two runs can be compared


@pytest.fixture(autouse=True)
def _content_types_forgotten():
    """`--reset` flushes, which recreates content types; the test's rollback then restores the old rows, so the
    process's content-type cache must not outlive the test."""
    yield
    ContentType.objects.clear_cache()


def seed(*extra: str, number: int = 1) -> str:
    if "--reset" in extra and connection.vendor == "postgresql":
        # The test runs in one transaction, where PostgreSQL refuses to TRUNCATE (flush) tables with deferred
        # foreign-key checks still pending; a real run is not inside a transaction and has none.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    out = io.StringIO()
    call_command("seed_demo", "--tickets", "200", "--seed", str(number), "--now", NOW, *extra, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list]:
    """What the same seed must reproduce: the city, the catalogue, the people and the tickets' own fields."""
    return {
        "territories": list(Territory.objects.order_by("code").values_list("code", "name", "level")),
        "departments": list(Department.objects.order_by("code").values_list("code", "name", "kind")),
        "matters": list(Matter.objects.order_by("code").values_list("code", "name", "legal_type")),
        "duties": sorted(
            Duty.objects.filter(source="catalogue").values_list(
                "department__code", "matter__code", "territory__code", "role", "legal_basis", "valid_from"
            )
        ),
        "users": sorted(User.objects.values_list("username", "full_name")),
        # the demo's own tickets (date + sequence); extenders may add tickets of their own, timed by the clock
        "tickets": list(
            Ticket.objects.filter(hotline_no__regex=r"^[0-9]{15}$")
            .order_by("hotline_no")
            .values_list(
                "hotline_no",
                "received_at",
                "request_type",
                "channel",
                "matter__code",
                "territory__code",
                "address",
                "title",
                "content",
                "citizen_phone",
            )
        ),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo of seed 1, with what its extenders received and its signing certificate's folder."""
    received: list[DemoContext] = []

    def on_seeded(sender, context, rng, stdout, city, users, **kwargs):
        received.append(context)

    certificates = tmp_path_factory.mktemp("demo-signing")
    demo_seeded.connect(on_seeded)
    try:
        with override_settings(MINGZE_SIGNING_DEMO_DIR=certificates), django_db_blocker.unblock():
            output = seed()
            first = snapshot()
    finally:
        demo_seeded.disconnect(on_seeded)
    yield SimpleNamespace(output=output, received=received, snapshot=first, certificates=certificates)
    with django_db_blocker.unblock():
        call_command("flush", "--noinput", verbosity=0)
    ContentType.objects.clear_cache()


def test_seed_demo_builds_a_city_with_people_catalogue_and_tickets(demo):
    output, received = demo.output, demo.received
    assert Territory.objects.filter(level=TerritoryLevel.DISTRICT).count() == 10
    assert Territory.objects.filter(level=TerritoryLevel.STREET).count() == 100
    assert Territory.objects.filter(level=TerritoryLevel.COMMUNITY).count() == 500
    assert Department.objects.filter(kind__in=["bureau", "utility"]).count() == 60
    assert Department.objects.exclude(regulated_sectors=None).exists()
    assert Matter.objects.filter(level=3).count() >= 200
    assert Matter.objects.filter(level=3, legal_type=True).count() >= 3
    assert received[0].ticket_count == 200  # extenders may add tickets of their own on top
    assert Assignment.objects.filter(role="copied", method="dual").exists()  # regulators copied (双向联办)
    # every role has a user, and the logins are printed
    for role in Role.values:
        holders = User.objects.filter(groups__name=role)
        assert holders.exists(), role
        assert holders.first().username in output
    assert User.objects.get(username="admin").is_superuser
    assert "mingze-demo" in output
    assert isinstance(received[0], DemoContext)
    assert received[0].ping_pong and received[0].repeat_clusters


def test_the_demo_catalogue_has_gaps_and_overlaps(demo):
    leads = Duty.objects.current().filter(role=DutyRole.LEAD)
    # a gap everywhere: a level-3 matter with no lead duty anywhere
    no_lead = Matter.objects.filter(level=3).exclude(Exists(leads.filter(matter=OuterRef("pk"))))
    assert no_lead.exists()
    # a gap in one district: the matter is given to districts, and one district is missing from the list
    districts = Territory.objects.filter(level=TerritoryLevel.DISTRICT).count()
    district_leads = leads.filter(territory__level=TerritoryLevel.DISTRICT, department__kind__in=["district", "zone"])
    covered = district_leads.values("matter").annotate(n=Count("territory", distinct=True))
    assert any(row["n"] == districts - 1 for row in covered)
    # an overlap: two departments lead the same matter in the same territory
    overlaps = leads.values("matter", "territory").annotate(n=Count("department", distinct=True)).filter(n__gte=2)
    assert overlaps.exists()
    assert overlaps.filter(territory__level=TerritoryLevel.CITY).exists()
    assert overlaps.filter(territory__level=TerritoryLevel.DISTRICT).exists()


def test_every_demo_write_leaves_history_with_a_reason(demo):
    for model in (Territory, Department, Matter, Duty, Ticket, Assignment, User):
        history = model.history.all()
        assert history.count() >= model.objects.count() > 0, model
        assert not history.filter(history_change_reason__isnull=True).exists(), model
        assert not history.filter(history_change_reason="").exists(), model
    assert Ticket.history.filter(history_user__username="admin").count() >= 200


def test_the_same_seed_gives_the_same_city_and_tickets_and_a_second_run_refuses_without_reset(demo):
    first = demo.snapshot
    assert snapshot() == first
    assert len(first["tickets"]) > 200  # the 200 asked for, then the daily history (arbitration.demo.history)

    with pytest.raises(CommandError, match="--reset"):
        seed()
    assert snapshot() == first  # the refusal changed nothing

    seed("--reset")
    assert snapshot() == first


def test_another_seed_gives_another_city(demo):
    first = demo.snapshot
    seed("--reset", number=2)
    second = snapshot()
    assert second["territories"] != first["territories"]
    assert second["tickets"] != first["tickets"]
    assert len(second["matters"]) == len(first["matters"])  # the catalogue's matters are fixed data


def test_the_demo_tickets_reach_their_state_only_through_the_platforms_events(demo):
    demo = Ticket.objects.filter(hotline_no__regex=r"^[0-9]{15}$")
    events = TicketEvent.objects.filter(ticket__in=demo).exclude(platform_event_id=None)
    replied = events.filter(kind=TicketEventKind.REPLIED).values("ticket")
    visited = events.filter(kind=TicketEventKind.VISITED).values("ticket")

    assert demo.filter(status__in=["replied", "closed"]).exists()
    # every reply and every verdict on a demo ticket came as the platform's event
    assert not demo.exclude(replied_at=None).exclude(pk__in=replied).exists()
    assert not demo.exclude(satisfaction="").exclude(pk__in=visited).exists()
    assert not demo.exclude(signed_at=None).exclude(pk__in=events.filter(kind="signed").values("ticket")).exists()
    # and the facts the rates need are there, unknown ones included
    dispatched = demo.exclude(dispatched_at=None)
    assert not dispatched.filter(response_due_at=None).exists()
    assert dispatched.filter(first_response_at=None, status__in=["replied", "closed"]).exists()
    assert demo.filter(rehandle_count__gt=0).exists()


def test_the_demo_signs_what_it_issues_with_a_demo_certificate(demo):
    """Seeded as a real run is, outside any transaction: the documents render as their writes commit, while the
    command's demo certificate is in force, and every one is signed."""
    from arbitration.models import DocumentRegistration

    certificate = demo.certificates / "demo-cert.pem"
    assert certificate.exists() and str(certificate) in demo.output
    registrations = DocumentRegistration.objects.all()
    assert {"ruling", "letter_escalation", "scorebulletin", "handoff"} <= {r.kind for r in registrations}
    assert [r.kind for r in registrations if not r.signed] == []
