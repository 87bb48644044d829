"""Reads that pages, the API and other apps share: ticket lists, counts, and the history timeline.

Permission filtering happens in `arbitration.access`; these functions take an already-visible queryset
or a ticket the caller was allowed to fetch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.db.models import Case, CharField, F, Prefetch, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arbitration.access import mask_name, mask_phone, tickets_held_by, tickets_visible_to
from arbitration.choices import (
    OPEN_TICKET_STATUSES,
    PLATFORM_EVENT_KINDS,
    AssignmentRole,
    Resolution,
    Satisfaction,
    TicketEventKind,
    TicketStatus,
)
from arbitration.models import Assignment, Department, Dispute, Matter, Territory, Ticket, TicketEvent
from arbitration.reasons import recorded_reason

# A ticket is "due soon" this long before its limit (docs/domain.md §3: the yellow card; local configuration).
DUE_SOON = dt.timedelta(hours=settings.MINGZE_DUE_SOON_HOURS)

# Personal data on a ticket and how to show it to someone who may not see it.
PERSONAL_DATA_MASKS: dict[str, Callable[[str], str]] = {"citizen_name": mask_name, "citizen_phone": mask_phone}


# --- ticket lists ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TicketFilters:
    """What a ticket list is narrowed to; every field optional."""

    status: str = ""
    department: Department | None = None
    matter: Matter | None = None
    territory: Territory | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    text: str = ""
    urgency: str = ""  # "overdue" or "due_soon"
    # The cockpit's drill-downs (docs/cockpit.md) narrow by these too.
    channel: str = ""
    request_type: str = ""
    lead: Department | None = None  # the department leading the ticket now (not any it ever had)
    disputed_from: dt.date | None = None  # a dispute opened on or after this day
    disputed_to: dt.date | None = None
    # The ids of the matter's and the territory's subtrees when the caller has them (the list page, from the kept
    # catalogue, arbitration/catalogue_options.py); None: `ticket_list` reads them.
    matter_subtree: tuple[int, ...] | None = None
    territory_subtree: tuple[int, ...] | None = None


def with_urgency(queryset: QuerySet[Ticket], *, now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """Annotate `urgency`: "overdue", "due_soon" or "" — only open tickets with a known due time qualify."""
    now = now or timezone.now()
    open_with_due = Q(status__in=OPEN_TICKET_STATUSES, due_at__isnull=False)
    return queryset.annotate(
        urgency=Case(
            When(open_with_due & Q(due_at__lt=now), then=Value("overdue")),
            When(open_with_due & Q(due_at__lt=now + DUE_SOON), then=Value("due_soon")),
            default=Value(""),
            output_field=CharField(),
        )
    )


def ticket_urgency(ticket: Ticket, *, now: dt.datetime | None = None) -> str:
    """The same rule as `with_urgency`, for one ticket already in memory."""
    if not ticket.is_open or ticket.due_at is None:
        return ""
    now = now or timezone.now()
    if ticket.due_at < now:
        return "overdue"
    return "due_soon" if ticket.due_at < now + DUE_SOON else ""


def urgency_condition(urgency: str, *, now: dt.datetime, status: str = "status", due_at: str = "due_at") -> Q:
    """The tickets `with_urgency` marks `urgency`, as plain predicates on status and due_at that an index serves
    (ticket_open_recent, the open tickets' partial index); a filter on the CASE annotation is a full scan. `status`
    and `due_at` name the columns: the ticket's, or the assignment's copies of them (`ticket_list`)."""
    open_now = Q(**{f"{status}__in": OPEN_TICKET_STATUSES})
    if urgency == "overdue":
        return open_now & Q(**{f"{due_at}__lt": now})
    return open_now & Q(**{f"{due_at}__gte": now, f"{due_at}__lt": now + DUE_SOON})


# Newest first, as a keyset (docs/scale.md): `listed_at` is the received_at annotated by `ticket_list`.
LIST_ORDER = ("-listed_at", "-pk")


def ticket_list(visible: QuerySet[Ticket], filters: TicketFilters) -> QuerySet[Ticket]:
    """Tickets from `visible` (see access.tickets_visible_to) narrowed by `filters`, ready for a list page:
    related rows joined and active assignments prefetched, so a page costs the same queries at any size.
    Ordered by LIST_ORDER. Each filter's index plan is in docs/scale.md; every one keeps that order servable by an
    index, so a keyset page reads about a page of index entries."""
    queryset = visible
    if filters.department is not None:
        queryset = tickets_held_by(queryset, [filters.department.pk], alias="held_by_filter")
    # Read through departments' assignments, the status and urgency filters are on the assignment's copies of them:
    # `assignment_status_recent` walked newest first keeping the departments' rows, `assignment_open_due` ranges.
    # On the ticket they would make each of the departments' rows a probe of the ticket (docs/scale.md).
    on_copies = "listed_status" in queryset.query.annotations
    status, due_at = ("listed_status", "listed_due_at") if on_copies else ("status", "due_at")
    queryset = _listed_at(queryset, filters)
    if filters.status:
        queryset = queryset.filter(**{status: filters.status})  # ticket_status_recent, or the copies' index
    # A matter or territory is its whole subtree. The subtree's ids are read first (one query on a small table):
    # for one id the (matter|territory, received_at, id) index yields the page in order; for many the planner
    # walks the received_at index and keeps the subtree's rows. A join on path LIKE hides both from it. Read
    # through departments, the filter is on the assignment's copies (`_in_subtree`).
    if filters.matter is not None:
        queryset = _in_subtree(
            queryset, "matter", Matter, filters.matter.path, through_departments=on_copies, ids=filters.matter_subtree
        )
    if filters.territory is not None:  # a district includes its streets and communities
        queryset = _in_subtree(
            queryset,
            "territory",
            Territory,
            filters.territory.path,
            through_departments=on_copies,
            ids=filters.territory_subtree,
        )
    tz = timezone.get_current_timezone()
    # Dates bound the sort key itself, so they are a range of whichever index yields the page.
    if filters.received_from is not None:
        queryset = queryset.filter(listed_at__gte=dt.datetime.combine(filters.received_from, dt.time(), tz))
    if filters.received_to is not None:
        end = dt.datetime.combine(filters.received_to + dt.timedelta(days=1), dt.time(), tz)
        queryset = queryset.filter(listed_at__lt=end)
    if filters.text:
        queryset = queryset.filter(Q(hotline_no__icontains=filters.text) | Q(title__icontains=filters.text))
    queryset = _cockpit_filters(queryset, filters)
    now = timezone.now()
    queryset = with_urgency(queryset, now=now)
    if filters.urgency:
        queryset = queryset.filter(urgency_condition(filters.urgency, now=now, status=status, due_at=due_at))
    return queryset.select_related("matter", "territory").prefetch_related(active_assignments())


def ticket_list_for(user, filters: TicketFilters) -> QuerySet[Ticket]:
    """`user`'s ticket list under `filters` (the page, its export and the API): `ticket_list` over the tickets the
    user may see, the department filter applied by `access.tickets_visible_to`, which reads a liaison's own
    department through that department's assignments alone (one join, not the liaison's and then the filter's)."""
    department_id = filters.department.pk if filters.department is not None else None
    return ticket_list(tickets_visible_to(user, department_id=department_id), replace(filters, department=None))


def _listed_at(queryset: QuerySet[Ticket], filters: TicketFilters) -> QuerySet[Ticket]:
    """Annotate the list's sort key `listed_at` (docs/scale.md, "A liaison's list"): the received_at of the ticket,
    or its copy on the assignment a list narrowed to departments is read through (access.tickets_held_by sets it).

    The copy lets the departments' assignment index yield the page in order. The assignment holds copies of the
    ticket's status, due time, matter and territory too, so every filter of such a list is on the assignment and
    keeps the copy's order: each department's range of the matching index (`assignment_dept_matter`,
    `assignment_dept_territory`, …), merged by a sort of the rows that match. Urgency keeps the copy as the key, as
    an expression of it that no index yields in order (below)."""
    if "listed_at" not in queryset.query.annotations:
        return queryset.annotate(listed_at=F("received_at"))
    if filters.urgency:
        # The departments' overdue (or due-soon) tickets are a bounded set, a range per department of
        # `assignment_open_due`: the plan is that range, then a sort of its few hundred rows (the same at any depth).
        # Ordered by the plain copy, PostgreSQL walked `assignment_recent` newest first instead, expecting a page
        # within the first few hundred entries; overdue tickets are old, so it dropped 36,827 entries to keep 51
        # (38,000 buffers, 17 ms at 10 M, docs/scale.md). COALESCE(copy, copy) is the same value in an expression
        # that no index yields in order, which leaves the planner only the bounded set.
        copy = queryset.query.annotations["listed_at"]
        return queryset.annotate(listed_at=Coalesce(copy, copy))
    return queryset


def _in_subtree(
    queryset: QuerySet[Ticket],
    field: str,
    model: type[Matter] | type[Territory],
    path: str,
    *,
    through_departments,
    ids: tuple[int, ...] | None = None,
) -> QuerySet[Ticket]:
    """The tickets of `queryset` whose `field` (matter or territory) is in the subtree at `path`.

    Read through departments' assignments, the condition is on the assignment's copy of the ticket's matter or
    territory (`listed_matter`, `listed_territory`, access.tickets_held_by): each department's range of the
    (department, matter|territory, received_at) index for each of the subtree's nodes, read from the index alone,
    whose few rows are sorted for the page. On the ticket's row instead, the departments' thousands of tickets were
    intersected with the matter's or the place's: a liaison's list by a street (20 communities, 100,000 tickets)
    probed all 9,000 of its tickets, 17.5 ms at 10 M (docs/scale.md, "A liaison's list by matter or territory").

    `ids` are the subtree's ids when the caller already has them (the same as `_subtree_ids` reads)."""
    if ids is None:
        ids = _subtree_ids(model, path)
    if through_departments:
        return queryset.filter(**{f"listed_{field}__in": ids})
    return queryset.filter(**{f"{field}_id__in": ids})


def _subtree_ids(model: type[Matter] | type[Territory], path: str) -> list[int]:
    return list(model.objects.filter(path__startswith=path).values_list("pk", flat=True))


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), timezone.get_current_timezone())


def _cockpit_filters(queryset: QuerySet[Ticket], filters: TicketFilters) -> QuerySet[Ticket]:
    """The filters the cockpit's figures drill down with, each the rule its count uses (docs/cockpit.md)."""
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.request_type:
        queryset = queryset.filter(request_type=filters.request_type)
    if filters.lead is not None:
        queryset = queryset.filter(
            models.Exists(
                Assignment.objects.filter(
                    ticket=models.OuterRef("pk"), department=filters.lead, role=AssignmentRole.LEAD, ended_at=None
                )
            )
        )
    if filters.disputed_from is not None or filters.disputed_to is not None:
        disputes = Dispute.objects.filter(ticket=models.OuterRef("pk"))
        if filters.disputed_from is not None:
            disputes = disputes.filter(opened_at__gte=_day_start(filters.disputed_from))
        if filters.disputed_to is not None:
            disputes = disputes.filter(opened_at__lt=_day_start(filters.disputed_to + dt.timedelta(days=1)))
        queryset = queryset.filter(models.Exists(disputes))
    return queryset


# Of an active assignment's department and assigner, what the ticket lists show (the API's AssignmentSerializer;
# the page and the CSV export read the department's name). A page of 50 tickets carries some 60 assignments: loading
# each assigner's whole account row (password, dates, flags…) and department was a good part of the API's Python per
# request (docs/scale.md, "The API"). The assignment's own columns are all read: Django builds a model with a few
# deferred columns more slowly than one with none.
ACTIVE_ASSIGNMENT_COLUMNS = (
    *(field.name for field in Assignment._meta.concrete_fields),
    "department__code", "department__name", "assigned_by__username", "assigned_by__full_name",
)  # fmt: skip


def active_assignments() -> Prefetch:
    """Prefetch a ticket's current assignments (with their departments and who assigned them: the API shows
    both) into `active_assignments`, with the columns ACTIVE_ASSIGNMENT_COLUMNS only."""
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(ended_at=None)
        .select_related("department", "assigned_by")
        .only(*ACTIVE_ASSIGNMENT_COLUMNS),
        to_attr="active_assignments",
    )


# --- the API's ticket list as plain rows ----------------------------------------------------------------------
def ticket_list_rows(tickets: QuerySet[Ticket], columns: Iterable[str]) -> QuerySet[Ticket]:
    """`ticket_list`'s tickets as rows of `.values()` of `columns`, named as `.values()` names them (`matter__code`
    joins the matter in the same query): no model is built and nothing is prefetched. A page's active assignments
    are `active_assignment_rows`, read for its rows alone (docs/scale.md, "The API")."""
    return tickets.prefetch_related(None).values(*columns)


def active_assignment_rows(ticket_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """The active assignments of each of `ticket_ids` (by ticket id) as plain rows in `active_assignments`'s order,
    in one query: an assignment's columns the API writes by name (`department` its id, `department__code`,
    `department__name`), and under `assigned_by` the text of who assigned it (the account's `str()`: its full name,
    else its username; None when nobody did)."""
    rows: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ticket_ids}
    if not rows:
        return rows
    assignments = Assignment.objects.all()
    of_tickets: Q | RawSQL = Q(ticket_id__in=rows)
    if connections[assignments.db].vendor == "postgresql":
        # The page's ids as one array parameter: the ORM prepares and compiles an IN list value by value, a good
        # part of this query's Python for 50 ids. PostgreSQL reads `= ANY(array)` as it reads the IN list.
        column = f'{connections[assignments.db].ops.quote_name(Assignment._meta.db_table)}."ticket_id"'
        of_tickets = RawSQL(f"{column} = ANY(%s)", (list(rows),), output_field=models.BooleanField())
    found = (
        assignments.filter(of_tickets, ended_at=None)
        .order_by("assigned_at", "pk")
        .values_list(
            "ticket_id", "department_id", "department__code", "department__name", "role", "method", "assigned_at",
            "assigned_by__full_name", "assigned_by__username", "reason", "ended_at",
        )
    )  # fmt: skip
    for ticket_id, department, code, name, role, method, assigned_at, full_name, username, reason, ended_at in found:
        rows[ticket_id].append({
            "department": department, "department__code": code, "department__name": name, "role": role,
            "method": method, "assigned_at": assigned_at, "assigned_by": full_name or username, "reason": reason,
            "ended_at": ended_at,
        })  # fmt: skip
    return rows


def tickets_due_unknown_count() -> int:
    """Dispatched tickets whose due time waits for calendar data (the administrator's warning)."""
    return Ticket.objects.filter(due_at=None, dispatched_at__isnull=False).exclude(due_unknown_reason="").count()


def tickets_due_unknown_years() -> list[str]:
    """The distinct reasons due times are unknown (each names the missing year), for the warning banner."""
    reasons = Ticket.objects.filter(due_at=None, dispatched_at__isnull=False).exclude(due_unknown_reason="")
    return sorted(set(reasons.values_list("due_unknown_reason", flat=True).distinct()[:10]))


def ticket_assignments(ticket: Ticket) -> list[Assignment]:
    """Every assignment the ticket ever had, active first, each with department and who made it."""
    rows = ticket.assignments.select_related("department", "assigned_by").order_by("assigned_at", "pk")
    return sorted(rows, key=lambda assignment: assignment.ended_at is not None)


def ticket_platform_events(ticket: Ticket) -> QuerySet[TicketEvent]:
    """The hotline platform's events of the ticket (docs/platform-events.md), oldest first."""
    return ticket.events.filter(kind__in=PLATFORM_EVENT_KINDS).order_by("at", "pk")


def ticket_events(ticket: Ticket) -> list[TicketEvent]:
    """Every event of the ticket, oldest first, with its actor: the ticket page reads them once and takes its
    timeline, platform events and supplements from them (a ticket has tens of events, never thousands)."""
    return list(ticket.events.select_related("actor").order_by("at", "pk"))


@dataclass(frozen=True)
class PlatformEventRow:
    """One platform event as the ticket page shows it: its kind, its facts in words, the text it carried."""

    at: dt.datetime
    kind: str
    label: str
    details: tuple[str, ...]
    text: str


def _local(value: str) -> str:
    return timezone.localtime(dt.datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")


def _event_details(data: dict) -> Iterable[str]:
    for key, choices in (("satisfaction", Satisfaction), ("resolution", Resolution)):
        if data.get(key):
            yield str(dict(choices.choices).get(data[key], data[key]))
    if data.get("handled_at"):
        yield _("handled at %(time)s") % {"time": _local(data["handled_at"])}
    if data.get("due_at"):
        yield _("new due time %(time)s") % {"time": _local(data["due_at"])}


def ticket_platform_event_rows(events: list[TicketEvent]) -> list[PlatformEventRow]:
    """The platform events among a ticket's events already read (`ticket_events`), as the ticket page shows them."""
    return [
        PlatformEventRow(
            at=event.at,
            kind=event.kind,
            label=event.get_kind_display(),
            details=tuple(_event_details(event.data or {})),
            text=event.reason,
        )
        for event in events
        if event.kind in PLATFORM_EVENT_KINDS
    ]


def ticket_supplements(ticket: Ticket, *, events: list[TicketEvent] | None = None) -> list[TicketEvent]:
    """补单: what the citizen added after the ticket was received, oldest first (the text is the event's).
    `events`: the ticket's events already read (`ticket_events`), else they are queried."""
    if events is not None:
        return [event for event in events if event.kind == TicketEventKind.SUPPLEMENTED]
    return list(ticket.events.filter(kind=TicketEventKind.SUPPLEMENTED).order_by("at", "pk"))


def personal_data_shown(ticket: Ticket, *, visible: bool) -> dict[str, str]:
    """The citizen's name and phone as this viewer may see them."""
    return {
        name: getattr(ticket, name) if visible else mask(getattr(ticket, name))
        for name, mask in PERSONAL_DATA_MASKS.items()
    }


# --- the ticket export (CSV) ---------------------------------------------------------------------------------
# The ticket's own columns, in the export's order; headings are the fields' names as users read them.
EXPORT_FIELDS = (
    "hotline_no", "received_at", "dispatched_at", "request_type", "matter", "territory", "address", "title",
    "citizen_name", "citizen_phone", "confidential", "status", "due_at", "replied_at", "closed_at", "resolution",
    "satisfaction",
)  # fmt: skip
# A spreadsheet runs a cell that starts with one of these as a formula: such text gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (shared by every CSV export)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _export_value(ticket: Ticket, name: str, shown: dict[str, str]) -> str:
    if name in shown:
        return shown[name]
    value = getattr(ticket, name)
    if isinstance(value, Matter | Territory):
        return value.name
    return "" if value in (None, "") else _display(Ticket, name, value, {})


def ticket_export_rows(tickets: QuerySet[Ticket]) -> Iterable[list[str]]:
    """The heading, then one row per ticket, read in chunks so that any number of tickets streams in constant
    memory. Each ticket must carry `personal_data_visible` (access.with_personal_data_visible): the citizen
    is masked by the same rule as on the page and in the API."""
    yield [str(Ticket._meta.get_field(name).verbose_name) for name in EXPORT_FIELDS] + [_("Handled by")]
    for ticket in tickets.iterator(chunk_size=1000):
        shown = personal_data_shown(ticket, visible=ticket.personal_data_visible)
        handlers = "、".join(
            f"{assignment.department.name}（{assignment.get_role_display()}）"
            for assignment in ticket.active_assignments
        )
        yield [spreadsheet_safe(_export_value(ticket, name, shown)) for name in EXPORT_FIELDS] + [
            spreadsheet_safe(handlers)
        ]


# --- the timeline -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldChange:
    """One field's move in a history row: labels and display values, personal data already masked."""

    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a record's story: who did what, when and why.

    `source` is "event" for domain events (what happened) and "history" for audit rows (what changed);
    `subject` names the record the line is about (the ticket, an assignment, a dispute…).
    """

    at: dt.datetime
    source: str
    subject: str
    action: str
    actor: str
    reason: str
    changes: tuple[FieldChange, ...] = field(default_factory=tuple)


HISTORY_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
# What a history entry's action reads as (the timeline template says the same with its own {% translate %}).
HISTORY_ACTION_LABELS = {
    "created": gettext_lazy("created"),
    "changed": gettext_lazy("changed"),
    "deleted": gettext_lazy("deleted"),
}


def _actor_name(user) -> str:
    return str(user) if user is not None else _("system")


def _display(model: type[models.Model], name: str, value: Any, labels: dict[tuple[str, Any], str]) -> str:
    """A value as users read it: choice labels, related rows by name, times in local time."""
    if value is None or value == "":
        return "—"
    model_field = model._meta.get_field(name)
    if model_field.is_relation:
        return labels.get((name, value), str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _related_labels(model: type[models.Model], rows: list[Any], names: list[str]) -> dict[tuple[str, Any], str]:
    """Names of every related row mentioned in `rows`, one query per related model."""
    labels: dict[tuple[str, Any], str] = {}
    for name in names:
        model_field = model._meta.get_field(name)
        if not model_field.is_relation:
            continue
        ids = {getattr(row, model_field.attname) for row in rows} - {None}
        if ids:
            related = model_field.related_model._default_manager.in_bulk(ids)
            labels.update({(name, pk): str(obj) for pk, obj in related.items()})
    return labels


def history_entries(
    history: QuerySet,
    *,
    subject: Callable[[Any], str],
    masked: dict[str, Callable[[str], str]] | None = None,
) -> list[TimelineEntry]:
    """Timeline entries from django-simple-history rows of one model (any number of objects).

    Each row is compared with the previous row of the same object to list what changed; fields in
    `masked` are shown through their mask, so a diff never reveals what the viewer may not see.
    """
    masked = masked or {}
    model = history.model.instance_type
    names = [f.name for f in history.model.tracked_fields if f.name != model._meta.pk.name]
    rows = list(history.select_related("history_user").order_by("history_date", "history_id"))
    labels = _related_labels(model, rows, names)
    pk_attname = model._meta.pk.attname
    # Each field's attribute name looked up once, not once per row (a ticket's history row has some forty fields).
    attnames = [(name, model._meta.get_field(name).attname) for name in names]
    previous: dict[Any, Any] = {}
    entries = []
    for row in rows:
        before = previous.get(getattr(row, pk_attname))
        previous[getattr(row, pk_attname)] = row
        changes = tuple(_row_changes(model, before, row, attnames, labels, masked)) if before is not None else ()
        if row.history_type == "~" and not changes:
            continue  # a save that changed nothing worth showing
        entries.append(
            TimelineEntry(
                at=row.history_date,
                source="history",
                subject=subject(row),
                action=HISTORY_ACTIONS[row.history_type],
                actor=_actor_name(row.history_user),
                reason=recorded_reason(row.history_change_reason),
                changes=changes,
            )
        )
    return entries


def _row_changes(model, before, row, attnames, labels, masked) -> Iterable[FieldChange]:
    for name, attname in attnames:
        old, new = getattr(before, attname), getattr(row, attname)
        if old == new:
            continue
        if name in masked:
            old_text, new_text = masked[name](old or "") or "—", masked[name](new or "") or "—"
        else:
            old_text, new_text = _display(model, name, old, labels), _display(model, name, new, labels)
        yield FieldChange(field=name, label=str(model._meta.get_field(name).verbose_name), old=old_text, new=new_text)


def _event_action(event: TicketEvent, departments: dict[str, str]) -> str:
    action = event.get_kind_display()
    data = event.data or {}
    if event.kind in (TicketEventKind.DISPATCHED, TicketEventKind.ASSIGNMENT_ENDED) and "department" in data:
        action = f"{action}: {departments.get(data['department'], data['department'])}"
    if event.to_status and event.from_status != event.to_status:
        labels = dict(TicketStatus.choices)
        moves = [str(labels.get(s, s)) for s in (event.from_status, event.to_status) if s]
        action = f"{action} ({' → '.join(moves)})"
    return action


def event_entries(events: QuerySet[TicketEvent] | list[TicketEvent]) -> list[TimelineEntry]:
    """Timeline entries from a ticket's domain events (what happened, with the reason given): a queryset, or
    events already read with their actors."""
    rows = list(events.select_related("actor")) if isinstance(events, QuerySet) else events
    codes = {row.data.get("department") for row in rows if isinstance(row.data, dict)} - {None}
    departments = dict(Department.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    return [
        TimelineEntry(
            at=row.at,
            source="event",
            subject=_("Ticket"),
            action=_event_action(row, departments),
            actor=_actor_name(row.actor),
            reason=recorded_reason(row.reason),
        )
        for row in rows
    ]


def timeline_merge(*parts: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """All entries, oldest first; at the same moment the domain event comes before the audit row."""
    entries = [entry for part in parts for entry in part]
    return sorted(entries, key=lambda entry: (entry.at, entry.source != "event"))


def ticket_timeline(
    ticket: Ticket, *, personal_data_visible: bool = False, events: list[TicketEvent] | None = None
) -> list[TimelineEntry]:
    """The ticket's story: its domain events and the audit history of the ticket and its assignments.
    `events`: the ticket's events already read (`ticket_events`), else they are queried."""
    masked = {} if personal_data_visible else PERSONAL_DATA_MASKS
    assignment_history = Assignment.history.filter(ticket_id=ticket.pk).select_related("department")
    return timeline_merge(
        event_entries(ticket.events.all() if events is None else events),
        history_entries(Ticket.history.filter(id=ticket.pk), subject=lambda row: _("Ticket"), masked=masked),
        history_entries(
            assignment_history,
            subject=lambda row: _("Assignment to %(department)s") % {"department": row.department},
        ),
    )


# --- the ticket list page -------------------------------------------------------------------------------------------
# The columns the page's table shows (arbitration/templatetags/ticket_table.py); the names of the matter and territory
# are added by `ticket_place_names`.
TICKET_TABLE_COLUMNS = (
    "id",
    "hotline_no",
    "title",
    "request_type",
    "status",
    "received_at",
    "due_at",
    "due_unknown_reason",
    "matter_id",
    "territory_id",
    "urgency",
)


def ticket_list_page(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """`ticket_list`'s tickets as the list page's table shows them: one dict per ticket of TICKET_TABLE_COLUMNS
    (its `urgency` annotation included). Who handles them is read for the page's rows alone (`ticket_handlers`), the
    names of their matter and territory from the catalogue the page keeps anyway (`ticket_place_names`). The API's
    `active_assignments` reads every column of each assignment, its department and who assigned it, and a model
    instance per ticket, matter and territory: for the page's 50 rows some 300 model instances and as many parsed
    dates that nobody saw. Joining the names here would also join them in the list's count (the joins of a
    `.values()` stay in its query). The keyset's cursors are read from the dicts' key annotations."""
    return tickets.prefetch_related(None).values(*TICKET_TABLE_COLUMNS)


def ticket_place_names(
    rows: list[dict], matter_name: Callable[[int], str | None], territory_name: Callable[[int], str | None]
) -> list[dict]:
    """Add `matter__name` and `territory__name` to the page's rows (`ticket_list_page`), each from `*_name(id)` (the
    kept catalogue's names, arbitration/catalogue_options.py), or from the database for an id it does not know: a
    node added after the catalogue's stamp was read, whose tickets the page may already see (one query per model,
    only then)."""
    for key, model, known in (("matter", Matter, matter_name), ("territory", Territory, territory_name)):
        missing = set()
        for row in rows:
            pk = row[f"{key}_id"]
            name = row[f"{key}__name"] = None if pk is None else known(pk)
            if name is None and pk is not None:
                missing.add(pk)
        if missing:
            names = dict(model.objects.filter(pk__in=missing).values_list("pk", "name"))
            for row in rows:
                if row[f"{key}__name"] is None and row[f"{key}_id"] is not None:
                    row[f"{key}__name"] = names.get(row[f"{key}_id"])
    return rows


def ticket_handlers(tickets: Iterable[dict]) -> dict[int, list[tuple[str, str]]]:
    """Who handles each of `tickets` (the page's rows, `ticket_list_page`) now, by ticket id: the (role, department
    name) of its active assignments in the order `active_assignments` gives them; one query of plain values."""
    handlers: dict[int, list[tuple[str, str]]] = {ticket["id"]: [] for ticket in tickets}
    if not handlers:
        return handlers
    rows = (
        Assignment.objects.filter(ticket_id__in=handlers, ended_at=None)
        .order_by("assigned_at", "pk")
        .values_list("ticket_id", "role", "department__name")
    )
    for ticket_id, role, name in rows:
        handlers[ticket_id].append((role, name))
    return handlers
