"""Puts the demo together: city, people and catalogue in one transaction, then tickets batch by batch, then the
extenders and the `demo_seeded` signal.

Every part draws from its own `random.Random`, seeded from `--seed` and the part's name, so the same seed gives
the same city whatever the number of tickets, and a new extender does not shift the tickets before it.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from itertools import islice

from django.db import connection, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from arbitration.calendar import WorkingCalendar
from arbitration.choices import AssignmentMethod, AssignmentRole, TicketEventKind
from arbitration.demo import run_extenders
from arbitration.demo.city import (
    MatterPlan,
    build_catalogue,
    build_departments,
    build_matters,
    build_territories,
    matter_specs,
)
from arbitration.demo.context import DEMO_REASON, DemoContext
from arbitration.demo.history import HistoryTickets
from arbitration.demo.people import admin_create, password_hash, people_create
from arbitration.demo.tickets import ExtraAssignment, TicketGenerator
from arbitration.intake import CodeBook, event_payload_parse, ticket_payload_parse
from arbitration.models import Assignment, Department, Ticket, TicketEvent, TimeLimitTier
from arbitration.services.bulk import tickets_bulk_receive
from arbitration.services.platform_events import ticket_events_bulk_apply
from arbitration.signals import demo_seeded

LOOKUP_CHUNK = 900  # hotline numbers per IN (…) query: under SQLite's bound-parameter limit on old builds


def demo_seed(
    *,
    seed: int,
    tickets: int,
    now: dt.datetime,
    days: int,
    stdout,
    style,
    batch_size: int,
    progress: Callable[[int], None] = lambda written: None,
) -> tuple[DemoContext, list[tuple]]:
    """Build the whole demo; returns the context and the table of demo logins to print."""
    started = time.monotonic()
    context, logins, plans = _city_and_people(seed=seed, now=now, days=days, stdout=stdout, style=style)
    context.timings["city"] = time.monotonic() - started
    stdout.write(
        _("City, people and catalogue written in {seconds:.1f} s; writing {count} tickets…").format(
            seconds=context.timings["city"], count=tickets
        )
    )
    started = time.monotonic()
    generator = TicketGenerator(
        demo=context.city,
        plans=plans,
        rng=random.Random(f"{seed}:tickets"),
        now=now,
        count=tickets,
        days=days,
        tiers=dict(TimeLimitTier.objects.values_list("code", "id")),
        department_names=dict(Department.objects.values_list("id", "name")),
        department_codes=dict(Department.objects.values_list("id", "code")),
    )
    context.ticket_count = tickets_write(generator, actor=context.admin, batch_size=batch_size, progress=progress)
    # A year and more of daily history for the surge watch and the cockpit (arbitration.demo.history).
    history = HistoryTickets(generator, WorkingCalendar.load(), random.Random(f"{seed}:history"))
    started = time.monotonic()
    tickets_write(history, actor=context.admin, batch_size=batch_size, progress=lambda written: None)
    context.timings["history"] = time.monotonic() - started
    context.ping_pong, context.repeat_clusters = generator.ping_pong, generator.repeat_clusters
    context.timings["tickets"] = time.monotonic() - started
    run_extenders(context)
    demo_seeded.send(
        sender=DemoContext, context=context, rng=context.rng, stdout=stdout, city=context.city, users=context.users
    )
    return context, logins


@transaction.atomic
def _city_and_people(
    *, seed: int, now: dt.datetime, days: int, stdout, style
) -> tuple[DemoContext, list[tuple], list[MatterPlan]]:
    """The city, its people and its catalogue: all or nothing."""
    city_rng, people_rng = random.Random(f"{seed}:city"), random.Random(f"{seed}:people")
    hashed = password_hash()
    admin = admin_create(people_rng, hashed)
    demo = build_territories(city_rng)
    build_departments(demo)
    users, by_role, logins = people_create(demo, people_rng, admin=admin, password_hash=hashed)
    specs = matter_specs()
    build_matters(demo, specs)
    # The catalogue was in force well before the oldest ticket, so every ticket falls under it.
    valid_from = (now - dt.timedelta(days=days + 365)).replace(hour=0, minute=0, second=0, microsecond=0)
    plans = build_catalogue(demo, specs, city_rng, actor=admin, valid_from=valid_from)
    context = DemoContext(
        rng=random.Random(f"{seed}:extend"),
        stdout=stdout,
        style=style,
        seed=seed,
        now=now,
        city=demo,
        users=users,
        by_role=by_role,
    )
    return context, logins, plans


def tickets_write(generator: TicketGenerator, *, actor, batch_size: int, progress: Callable[[int], None]) -> int:
    """Feed the generator's tickets to the platform's own path a batch at a time: each payload and event through the
    parser the API uses, the tickets through the bulk intake, then that batch's extra assignments, then its events
    through the bulk event service."""
    calendar = WorkingCalendar.load()  # once for the run: the bulk writer would load it per call
    codes = CodeBook.load()
    tickets, written = generator.tickets(), 0
    while batch := list(islice(tickets, batch_size)):
        intakes = [ticket_payload_parse(ticket.payload, codes) for ticket in batch]
        result = tickets_bulk_receive(
            intakes, actor=actor, reason=DEMO_REASON, calendar=calendar, batch_size=batch_size
        )
        if result.failed:
            number, error = result.failed[0]
            raise RuntimeError(f"demo ticket {number} was refused: {error}")
        extra_assignments_write(generator.extras, actor=actor)
        generator.extras.clear()
        events = [event_payload_parse(event, codes, hotline_no=ticket.hotline_no) for ticket in batch
                  for event in ticket.events]  # fmt: skip
        applied = ticket_events_bulk_apply(events, actor=actor, reason=DEMO_REASON, calendar=calendar)
        if applied.failed:
            event, error = applied.failed[0]
            raise RuntimeError(f"demo event {event.event_id} was refused: {error}")
        written += result.created
        progress(written)
    return written


@transaction.atomic
def extra_assignments_write(extras: list[ExtraAssignment], *, actor) -> None:
    """Copies to regulators (双向联办) and co-handlers, with their history rows and DISPATCHED events."""
    if not extras:
        return
    tickets = _ticket_keys(sorted({extra.hotline_no for extra in extras}))
    codes = dict(Department.objects.values_list("id", "code"))
    assignments, events = [], []
    for extra in extras:
        method = AssignmentMethod.DUAL if extra.role == AssignmentRole.COPIED else AssignmentMethod.DIRECT
        ticket_id, received_at, status, due_at, matter_id, territory_id = tickets[extra.hotline_no]
        assignments.append(
            Assignment(
                ticket_id=ticket_id,
                # bulk_create skips Assignment.save, which would read the ticket's state it keeps a copy of
                ticket_received_at=received_at,
                ticket_status=status,
                ticket_due_at=due_at,
                ticket_matter_id=matter_id,
                ticket_territory_id=territory_id,
                department_id=extra.department_id,
                role=extra.role,
                method=method,
                assigned_at=extra.at,
                assigned_by=actor,
                reason=DEMO_REASON,
            )
        )
        events.append(
            TicketEvent(
                ticket_id=ticket_id,
                kind=TicketEventKind.DISPATCHED,
                actor=actor,
                reason=DEMO_REASON,
                at=extra.at,
                data={"department": codes[extra.department_id], "role": extra.role, "method": method},
            )
        )
    bulk_create_with_history(
        assignments, Assignment, batch_size=2000, default_user=actor, default_change_reason=DEMO_REASON
    )
    TicketEvent.objects.bulk_create(events, batch_size=2000)  # events are not history-tracked


def _ticket_keys(numbers: list[str]) -> dict[str, tuple[int, dt.datetime, str, dt.datetime | None, int, int]]:
    """Hotline number → (ticket id, received_at, status, due_at, matter id, territory id)."""
    size = LOOKUP_CHUNK if connection.vendor == "sqlite" else 20_000
    keys: dict[str, tuple[int, dt.datetime, str, dt.datetime | None, int, int]] = {}
    for start in range(0, len(numbers), size):
        chunk = numbers[start : start + size]
        rows = Ticket.objects.filter(hotline_no__in=chunk).values_list(
            "hotline_no", "id", "received_at", "status", "due_at", "matter_id", "territory_id"
        )
        keys.update((number, rest) for number, *rest in rows)
    return keys
