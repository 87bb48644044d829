"""Events from the hotline platform after intake: signed for, first response, reply, return visit, re-handling,
reminder, supplement, withdrawal (docs/platform-events.md).

Each event moves the ticket's facts (`signed_at`, `replied_at`, …) by the rules of `_Rules.apply`, and leaves a
TicketEvent row carrying the platform's event id, so the same event delivered twice is stored once. Two paths
share those rules: `ticket_event_apply` (one event, one transaction: the API) and `ticket_events_bulk_apply`
(a batch in one transaction: `import_tickets` and the demo). A refused event writes nothing and raises — or, in
a batch, is reported and skipped while the others are applied, exactly as if each had been posted on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from arbitration import states
from arbitration.calendar import WorkingCalendar
from arbitration.choices import AssignmentRole, Satisfaction, TicketEventKind, TicketStatus
from arbitration.errors import (
    CalendarYearMissing,
    DomainError,
    EventIdConflict,
    EventNotAllowed,
    InvalidInput,
    NotFound,
    TicketWithdrawn,
)
from arbitration.history import history_columns, real_user, save_attributed
from arbitration.models import Assignment, Ticket, TicketEvent, TimeLimitTier
from arbitration.models.tickets import COPIED_TO_ASSIGNMENTS, assignments_follow
from arbitration.services.copy_writer import Table, Writer

K = TicketEventKind
# The platform's clock and ours may differ a little; an event further ahead than this has not happened yet.
CLOCK_TOLERANCE = dt.timedelta(minutes=5)
# The facts of an event kept in TicketEvent.data that make two deliveries of one event id the same event (with
# the ticket, the kind, the time and the text). Other keys there (the lead department, a new due time) are
# what Mingze derived, not what the platform sent.
FACT_KEYS = ("handled_at", "satisfaction", "resolution", "time_limit")
# What a re-handling clears: the facts of the round that went back (they stay on that round's events).
ROUND_FACTS = (
    "replied_at", "handled_at", "result", "verified_at", "visited_at", "satisfaction", "resolution", "closed_at",
)  # fmt: skip
# What a failed verification clears: the reply it refused (the department answers again within the same limit).
REPLY_FACTS = ("replied_at", "handled_at", "result", "verified_at")
IN_CHUNK = 900  # values per IN (…) query: under SQLite's bound-parameter limit on old builds


@dataclass(frozen=True)
class PlatformEvent:
    """One validated event from the hotline platform (see `arbitration.intake.event_payload_parse`)."""

    hotline_no: str
    event_id: str
    kind: str
    at: dt.datetime
    text: str = ""  # the reply (replied), the new information (supplemented), else an optional note
    handled_at: dt.datetime | None = None  # replied: when the department reported it handled (default: `at`)
    satisfaction: str = ""  # visited
    resolution: str = ""  # visited
    time_limit: str = ""  # rehandled: the re-handling's own tier code (default: the ticket's tier)
    time_limit_id: int | None = None

    def facts(self) -> dict[str, str]:
        """The platform's facts as TicketEvent.data keeps them (times in UTC ISO 8601, empty ones left out)."""
        values = {
            "handled_at": _iso(self.handled_at or self.at) if self.kind == K.REPLIED else "",
            "satisfaction": self.satisfaction,
            "resolution": self.resolution,
            "time_limit": self.time_limit,
        }
        return {key: value for key, value in values.items() if value}


@dataclass
class EventResult:
    event: TicketEvent
    ticket: Ticket
    created: bool


@dataclass
class EventBulkResult:
    applied: int = 0
    unchanged: int = 0
    failed: list[tuple[PlatformEvent, DomainError]] = field(default_factory=list)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def _same_event(stored: TicketEvent | SimpleNamespace, ticket_id: int, event: PlatformEvent) -> bool:
    """Is `stored` (found by the event's id) the delivery of this very event, or a reuse of its id?"""
    facts, data = event.facts(), stored.data or {}
    return (stored.ticket_id, stored.kind, stored.at, stored.reason) == (
        ticket_id,
        event.kind,
        event.at,
        event.text,
    ) and all(data.get(key) == facts.get(key) for key in FACT_KEYS)


def history_reason(event: PlatformEvent) -> str:
    """The history row's reason, in the site's language: the record is read on its pages."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Hotline platform event %(id)s") % {"id": event.event_id}


# --- the rules ----------------------------------------------------------------------------------------------
@dataclass
class _Applied:
    fields: list[str]  # the ticket's fields the event changed (none: the event row alone records it)
    # The TicketEvent row to write, as its column values (a batch writes thousands: no model instance each).
    event: SimpleNamespace


@dataclass
class _Rules:
    """What applying events needs besides the ticket: the calendar, the tiers, the lead departments and now."""

    calendar: WorkingCalendar
    tiers: dict[int, TimeLimitTier]
    leads: dict[int, str]  # ticket id → code of its active lead department
    now: dt.datetime

    @classmethod
    def load(cls, *, calendar: WorkingCalendar | None, ticket_ids: Iterable[int]) -> _Rules:
        ids, leads = list(ticket_ids), {}
        for start in range(0, len(ids), IN_CHUNK):
            active = Assignment.objects.filter(
                ticket_id__in=ids[start : start + IN_CHUNK], role=AssignmentRole.LEAD, ended_at=None
            )
            leads.update(active.values_list("ticket_id", "department__code"))
        return cls(
            calendar=calendar or WorkingCalendar.load(),
            tiers=TimeLimitTier.objects.in_bulk(),
            leads=leads,
            now=timezone.now(),
        )

    def apply(self, ticket: Ticket, event: PlatformEvent, *, actor) -> _Applied:
        """Check the event against the ticket, then move the ticket's facts. Raises before changing anything."""
        self._check(ticket, event)
        previous = ticket.status
        data: dict[str, Any] = event.facts()
        fields = getattr(self, f"_{event.kind}")(ticket, event, data)
        if ticket.pk in self.leads:
            data["department"] = self.leads[ticket.pk]  # who held the ticket when it happened
        user = real_user(actor)
        row = {
            "ticket_id": ticket.pk,
            "kind": event.kind,
            "from_status": previous,
            "to_status": ticket.status,
            "actor_id": getattr(user, "pk", None),
            "reason": event.text,
            "at": event.at,
            "data": data,
            "platform_event_id": event.event_id,
        }
        return _Applied(fields=fields, event=SimpleNamespace(**row))

    def _check(self, ticket: Ticket, event: PlatformEvent) -> None:
        if ticket.status == TicketStatus.WITHDRAWN:
            raise TicketWithdrawn(ticket=ticket.hotline_no)
        for name, moment in (("at", event.at), ("handled_at", event.handled_at)):
            if moment is None:
                continue
            if moment < ticket.received_at:
                raise InvalidInput(field=name, reason=_("earlier than the time the ticket was received"))
            if moment > self.now + CLOCK_TOLERANCE:
                raise InvalidInput(field=name, reason=_("in the future: the platform reports what has happened"))
        states.ensure_event_allowed(event.kind, ticket.status, ticket=ticket.hotline_no)
        after = self._must_follow(ticket, event)
        if after is not None and event.at < after[1]:
            raise InvalidInput(field="at", reason=after[0])
        if event.handled_at is not None and event.handled_at > event.at:
            raise InvalidInput(field="handled_at", reason=_("later than the reply reached the citizen"))
        if event.kind == K.VISITED and self.needs_verification(ticket) and ticket.verified_at is None:
            raise EventNotAllowed(
                kind=K(event.kind).label,
                ticket=ticket.hotline_no,
                status=TicketStatus(ticket.status).label,
                reason=_("the centre verifies a reply of this time limit before the return visit"),
            )
        if event.kind == K.VISITED and ticket.visited_at is not None:
            raise EventNotAllowed(
                kind=K(event.kind).label,
                ticket=ticket.hotline_no,
                status=TicketStatus(ticket.status).label,
                reason=_("this round's return visit is recorded; re-handling comes first"),
            )

    def needs_verification(self, ticket: Ticket) -> bool:
        """核验: the centre verifies replies of the tiers it names before they count as handled (docs/dispatch.md)."""
        return self.tiers[ticket.time_limit_tier_id].code in settings.MINGZE_VERIFICATION_TIERS

    @staticmethod
    def _must_follow(ticket: Ticket, event: PlatformEvent) -> tuple[Any, dt.datetime] | None:
        """(why, moment): the fact this event cannot precede."""
        if event.kind in (K.SIGNED, K.FIRST_RESPONSE, K.REPLIED) and ticket.dispatched_at is not None:
            return _("earlier than the time the ticket was dispatched"), ticket.dispatched_at
        if event.kind in (K.VERIFIED, K.VERIFICATION_FAILED) and ticket.replied_at is not None:
            return _("earlier than the reply it follows"), ticket.replied_at
        if event.kind in (K.VISITED, K.REHANDLED) and ticket.replied_at is not None:
            return _("earlier than the reply it follows"), ticket.visited_at or ticket.replied_at
        return None

    # One method per kind: move the facts, return the changed fields, add derived facts to `data`.
    @staticmethod
    def _start_handling(ticket: Ticket) -> list[str]:
        if ticket.status != TicketStatus.DISPATCHED:
            return []
        ticket.status = TicketStatus.HANDLING  # the department has evidently got the ticket
        return ["status"]

    def _signed(self, ticket: Ticket, event: PlatformEvent, data: dict) -> list[str]:
        fields = self._start_handling(ticket)
        if ticket.signed_at is None:  # the first sign-for; later ones (a new owner) stay on their events
            ticket.signed_at = event.at
            fields.append("signed_at")
        return fields

    def _first_response(self, ticket: Ticket, event: PlatformEvent, data: dict) -> list[str]:
        fields = self._start_handling(ticket)
        if ticket.first_response_at is None:
            ticket.first_response_at = event.at
            fields.append("first_response_at")
        return fields

    def _replied(self, ticket: Ticket, event: PlatformEvent, data: dict) -> list[str]:
        ticket.status = TicketStatus.REPLIED
        ticket.replied_at, ticket.handled_at, ticket.result = event.at, event.handled_at or event.at, event.text
        return ["status", "replied_at", "handled_at", "result"]

    def _visited(self, ticket: Ticket, event: PlatformEvent, data: dict) -> list[str]:
        ticket.visited_at, ticket.satisfaction = event.at, event.satisfaction
        fields = ["visited_at", "satisfaction"]
        if event.resolution:
            ticket.resolution = event.resolution
            fields.append("resolution")
        if event.satisfaction != Satisfaction.DISSATISFIED:
            # Dissatisfied, the ticket stays replied: the centre decides between re-handling and closing it.
            ticket.status, ticket.closed_at = TicketStatus.CLOSED, event.at
            fields += ["status", "closed_at"]
        return fields

    def _rehandled(self, ticket: Ticket, event: PlatformEvent, data: dict) -> list[str]:
        tier = self.tiers[event.time_limit_id or ticket.time_limit_tier_id]
        try:
            ticket.due_at, ticket.due_unknown_reason = self.calendar.due_at(event.at, tier.amount, tier.unit), ""
        except CalendarYearMissing as missing:
            ticket.due_at, ticket.due_unknown_reason = None, str(missing)
        data["due_at"] = _iso(ticket.due_at) if ticket.due_at else None
        for name in ROUND_FACTS:
            setattr(ticket, name, None if name.endswith("_at") else "")
        ticket.status, ticket.rehandle_count = TicketStatus.HANDLING, ticket.rehandle_count + 1
        return ["status", "rehandle_count", "due_at", "due_unknown_reason", *ROUND_FACTS]

    def _verified(self, ticket: Ticket, event: PlatformEvent, data: dict) -> list[str]:
        ticket.verified_at = event.at
        return ["verified_at"]

    def _verification_failed(self, ticket: Ticket, event: PlatformEvent, data: dict) -> list[str]:
        # The reply was not good enough: back to the department, whose limit runs on unchanged.
        for name in REPLY_FACTS:
            setattr(ticket, name, None if name.endswith("_at") else "")
        ticket.status = TicketStatus.HANDLING
        return ["status", *REPLY_FACTS]

    def _reminded(self, ticket: Ticket, event: PlatformEvent, data: dict) -> list[str]:
        ticket.reminder_count += 1
        return ["reminder_count"]

    def _supplemented(self, ticket: Ticket, event: PlatformEvent, data: dict) -> list[str]:
        return []  # the new information is the event's text, shown with the ticket

    def _withdrawn(self, ticket: Ticket, event: PlatformEvent, data: dict) -> list[str]:
        ticket.status, ticket.withdrawn_at, ticket.closed_at = TicketStatus.WITHDRAWN, event.at, event.at
        return ["status", "withdrawn_at", "closed_at"]


# --- one event ----------------------------------------------------------------------------------------------
@transaction.atomic
def ticket_event_apply(*, event: PlatformEvent, actor, calendar: WorkingCalendar | None = None) -> EventResult:
    """Apply one platform event. Idempotent by the platform's event id: the same event again returns the stored
    one and writes nothing; the same id with other content raises `EventIdConflict`."""
    # Lock first: two deliveries of one event, or two events of one ticket, queue here, so the duplicate check
    # below sees the earlier one's row and each event moves the facts the one before left.
    ticket = Ticket.objects.select_for_update().filter(hotline_no=event.hotline_no).first()
    if ticket is None:
        raise NotFound(_("No ticket with hotline number {hotline_no}."), hotline_no=event.hotline_no)
    stored = TicketEvent.objects.filter(platform_event_id=event.event_id).first()
    if stored is not None:
        if not _same_event(stored, ticket.pk, event):
            raise EventIdConflict(event_id=event.event_id)
        return EventResult(event=stored, ticket=ticket, created=False)
    applied = _Rules.load(calendar=calendar, ticket_ids=[ticket.pk]).apply(ticket, event, actor=actor)
    if applied.fields:
        save_attributed(
            ticket, actor=actor, reason=history_reason(event), update_fields=[*applied.fields, "updated_at"]
        )
    record = TicketEvent(**vars(applied.event))
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:  # the same id arrived for another ticket at this very moment
        raise EventIdConflict(event_id=event.event_id) from None
    if _ends_unsatisfied(event):
        _consultations_open([ticket], actor=actor)
    return EventResult(event=record, ticket=ticket, created=True)


def _ends_unsatisfied(event: PlatformEvent) -> bool:
    return event.kind == K.VISITED and event.satisfaction == Satisfaction.DISSATISFIED


def _consultations_open(tickets: Iterable[Ticket], *, actor) -> None:
    """A round that ended unsatisfied once too often opens a consultation (docs/dispatch.md)."""
    from arbitration.services.disputes import consultation_open_if_due  # disputes re-dispatch through tickets

    for ticket in tickets:
        consultation_open_if_due(ticket=ticket, actor=actor)


# --- many events --------------------------------------------------------------------------------------------
def ticket_events_bulk_apply(
    events: list[PlatformEvent], *, actor, reason: str, calendar: WorkingCalendar | None = None
) -> EventBulkResult:
    """Apply a batch of events in file order, in one transaction; refused ones are reported, not written.

    The same rules as `ticket_event_apply`, with a statement per table instead of per event: every ticket of the
    batch is locked at once, each event's history row is written as simple-history would (the ticket as it stood
    after that event), the event rows go in with one COPY. Should a concurrent delivery store one of these event ids
    first, the batch is applied again one event at a time, where that delivery answers as a duplicate."""
    try:
        with transaction.atomic():
            return _bulk_apply(events, actor=actor, reason=reason, calendar=calendar)
    except IntegrityError:
        result = EventBulkResult()
        for event in events:
            try:
                outcome = ticket_event_apply(event=event, actor=actor, calendar=calendar)
            except DomainError as error:
                result.failed.append((event, error))
                continue
            result.applied += outcome.created
            result.unchanged += not outcome.created
        return result


def _bulk_apply(
    events: list[PlatformEvent], *, actor, reason: str, calendar: WorkingCalendar | None
) -> EventBulkResult:
    result = EventBulkResult()
    tickets = _tickets_locked(sorted({event.hotline_no for event in events}))
    stored = _stored_events([event.event_id for event in events])
    rules = _Rules.load(calendar=calendar, ticket_ids=[ticket.pk for ticket in tickets.values()])
    writes = _Writes(rules.now)
    unsatisfied: dict[int, Ticket] = {}
    for event in events:
        ticket = tickets.get(event.hotline_no)
        try:
            if ticket is None:
                raise NotFound(_("No ticket with hotline number {hotline_no}."), hotline_no=event.hotline_no)
            if event.event_id in stored:
                if not _same_event(stored[event.event_id], ticket.pk, event):
                    raise EventIdConflict(event_id=event.event_id)
                result.unchanged += 1
                continue
            writes.before(ticket)
            applied = rules.apply(ticket, event, actor=actor)
        except DomainError as error:
            result.failed.append((event, error))
            continue
        stored[event.event_id] = applied.event
        writes.add(ticket, applied)
        result.applied += 1
        if _ends_unsatisfied(event):
            unsatisfied[ticket.pk] = ticket
    writes.write(actor=actor, reason=reason)
    _consultations_open(unsatisfied.values(), actor=actor)  # the few tickets of the batch a visit left unsatisfied
    return result


class _Writes:
    """What a batch writes: each changed ticket's final row, a history row per event that changed a ticket (the
    ticket as that event left it, as simple-history would write it), and the event rows. Written without a model
    save, one statement per table: saving ticket by ticket, or Django's bulk_update, cost seconds per thousand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.tickets: dict[int, Ticket] = {}  # the changed tickets, in their final state
        self.fields: set[str] = set()
        self.history: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.ticket_table = Table.of(Ticket, with_pk=True)
        self.history_table = Table.of(Ticket.history.model, with_pk=False)
        self.event_table = Table.of(TicketEvent, with_pk=False)
        self.tracked = [a for a in self.history_table.attnames if a in self.ticket_table.attnames]
        self._pending: dict[str, Any] | None = None

    def before(self, ticket: Ticket) -> None:
        """Called before each event is applied: a ticket this batch changed already keeps its state so far, the
        history row of its previous event should this one change it again."""
        self._pending = self._row(ticket) if ticket.pk in self.tickets else None

    def add(self, ticket: Ticket, applied: _Applied) -> None:
        self.events.append(vars(applied.event))
        if not applied.fields:
            return
        if self._pending is not None:
            self.history.append(self._pending)
        self.tickets[ticket.pk] = ticket
        self.fields.update(applied.fields)

    def _row(self, ticket: Ticket) -> dict[str, Any]:
        return {attname: getattr(ticket, attname) for attname in self.tracked}

    def write(self, *, actor, reason: str) -> None:
        writer, user = Writer(), real_user(actor)
        stamp = history_columns(at=self.now, reason=reason, user_id=getattr(user, "pk", None), kind="~")
        for ticket in self.tickets.values():
            ticket.updated_at = self.now
            self.history.append(self._row(ticket))  # after its earlier events' rows: history ids follow time
        fields = sorted(self.fields | {"updated_at"})
        writer.update(
            self.ticket_table, fields, [(*(getattr(t, f) for f in fields), t.pk) for t in self.tickets.values()]
        )
        if not COPIED_TO_ASSIGNMENTS.isdisjoint(self.fields):  # written without Ticket.save, which would do it
            ids = list(self.tickets)
            for start in range(0, len(ids), IN_CHUNK):
                assignments_follow(ids[start : start + IN_CHUNK])
        writer.write(self.history_table, [{**row, **stamp} for row in self.history])
        writer.write(self.event_table, self.events)


def _tickets_locked(numbers: list[str]) -> dict[str, Ticket]:
    """The batch's tickets by hotline number, their rows locked in one order (no deadlock between batches)."""
    found: dict[str, Ticket] = {}
    size = IN_CHUNK if connection.vendor == "sqlite" else 20_000
    for start in range(0, len(numbers), size):
        rows = Ticket.objects.select_for_update().filter(hotline_no__in=numbers[start : start + size]).order_by("pk")
        found.update((ticket.hotline_no, ticket) for ticket in rows)
    return found


def _stored_events(ids: list[str]) -> dict[str, TicketEvent | SimpleNamespace]:
    stored: dict[str, TicketEvent | SimpleNamespace] = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), IN_CHUNK):
        rows = TicketEvent.objects.filter(platform_event_id__in=unique[start : start + IN_CHUNK])
        stored.update((row.platform_event_id, row) for row in rows)
    return stored
