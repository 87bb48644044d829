"""Work queues: what waits for each person, most urgent first (the home page and the navigation's counts).

A queue is made of sections, each registered for the roles that work it (docs/homes.md):

    from arbitration.queues import QueueSection, queue_register
    queue_register(QueueSection(key="supervision.cases", roles=(Role.SUPERVISOR,), title=..., rows=..., count=...))

Supervision and legal register theirs from `AppConfig.ready()` (arbitration never imports them). Every section
reads small tables of open work (bounces pending, disputes open, cases open …) or the ticket table through a
partial index on open tickets, always with LIMIT: a home page and a navigation count cost the same few queries at
ten tickets and at ten million, whatever the queue's length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arbitration.calendar import CalendarYearMissing, WorkingCalendar
from arbitration.choices import OPEN_TICKET_STATUSES, Role
from arbitration.page_urls import page_url
from arbitration.remembered import remember, remembered

# How many rows each section shows on the home page; the section links to its whole list for more.
QUEUE_ROWS = settings.MINGZE_QUEUE_ROWS
# The navigation counts up to this many and then shows "99+": counting further would read more rows for a figure
# nobody acts on differently.
COUNT_CAP = 99


@dataclass(frozen=True)
class QueueRow:
    """One thing waiting: what it is, the page where it is acted on, and its deadline if it has one."""

    label: str  # the number people quote: hotline number, document number, session title …
    text: str  # what it is about
    url: str  # one click from the action
    due: dt.datetime | dt.date | None = None
    note: str = ""  # why it waits or what is asked (a window, a recusal, a status)


@dataclass
class QueueContext:
    """What every section's functions receive: the user, one `now` and one working calendar per request."""

    user: object
    now: dt.datetime
    limit: int = QUEUE_ROWS
    _calendar: WorkingCalendar | None = field(default=None, repr=False)
    _memo: dict = field(default_factory=dict, repr=False)  # what a section's rows and count both need, read once

    @property
    def calendar(self) -> WorkingCalendar:
        if self._calendar is None:
            self._calendar = WorkingCalendar.load()
        return self._calendar

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)


RowsFn = Callable[[QueueContext], list[QueueRow]]
CountFn = Callable[[QueueContext], int]


@dataclass(frozen=True)
class QueueSection:
    key: str  # unique, e.g. "arbitration.received"
    roles: tuple[str, ...]  # shown to whoever holds any of these
    title: str | Promise  # the section's heading on the home page
    short: str | Promise  # its word in the navigation
    rows: RowsFn  # at most ctx.limit rows, most urgent first
    count: CountFn  # how many wait (capped: see capped_count)
    list_url: str  # URL name of the page with the whole list
    order: int = 100  # lower comes first
    applies: Callable[[object], bool] | None = None  # a finer rule than the roles (e.g. a liaison with departments)


QUEUE_SECTIONS: dict[str, QueueSection] = {}


def queue_register(section: QueueSection) -> None:
    """Add a section (idempotent by key: AppConfig.ready() may run more than once)."""
    QUEUE_SECTIONS[section.key] = section


def sections_for(user) -> list[QueueSection]:
    if not user.is_authenticated:
        return []
    roles = user.roles
    chosen = [
        section
        for section in QUEUE_SECTIONS.values()
        if roles.intersection(section.roles) and (section.applies is None or section.applies(user))
    ]
    return sorted(chosen, key=lambda section: (section.order, section.key))


def capped_count(queryset: QuerySet) -> int:
    """COUNT over at most COUNT_CAP + 1 rows: `SELECT count(*) FROM (… ORDER BY … LIMIT 100)`, so an index scan
    stops early. The section's own order stays: it is what steers the planner to the index that serves the rows
    (a liaison's due tickets: without it PostgreSQL hashes every active assignment of the department)."""
    return queryset[: COUNT_CAP + 1].count()


def capped_counts(querysets: list[QuerySet]) -> list[int]:
    """`capped_count` of each queryset, all in one statement: `SELECT (SELECT count(*) FROM (… LIMIT 100) q0), …`.
    Each scalar subquery is planned as it would be alone (the same index scans, stopping at the 100th row); what the
    merge saves is a statement's round trip and its execution in Python and PostgreSQL per section (docs/homes.md).
    Each inner query selects only the primary key (or the columns it already selects, e.g. a DISTINCT), as Django's
    own count does; a queryset that can match nothing (`.none()`) is 0 without asking."""
    counts: list[int | None] = [None] * len(querysets)
    parts, params, alias = [], [], None
    for index, queryset in enumerate(querysets):
        inner = queryset if queryset.query.values_select or queryset.query.distinct else queryset.values("pk")
        alias = alias or queryset.db
        try:
            sql, inner_params = inner[: COUNT_CAP + 1].query.get_compiler(using=alias).as_sql()
        except EmptyResultSet:
            counts[index] = 0
            continue
        parts.append((index, f"(SELECT COUNT(*) FROM ({sql}) q{index})"))
        params.extend(inner_params)
    if parts:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(part for _index, part in parts), params)
            for (index, _part), value in zip(parts, cursor.fetchone(), strict=True):
                counts[index] = value
    return counts


class CappedCount:
    """A section's count as capped counts of querysets (summed): `count=CappedCount(lambda ctx: [queryset, …])`.
    Called alone it asks one statement; the home page and the navigation ask every such section's counts in one
    statement together (`section_counts`)."""

    def __init__(self, querysets: Callable[[QueueContext], list[QuerySet]]):
        self.querysets = querysets

    def __call__(self, ctx: QueueContext) -> int:
        return sum(capped_counts(self.querysets(ctx)))


def section_counts(ctx: QueueContext, sections: list[QueueSection]) -> list[int]:
    """Every section's count, in the sections' order: the capped ones merged into one statement."""
    querysets: list[QuerySet] = []
    spans: dict[str, tuple[int, int]] = {}
    for section in sections:
        if isinstance(section.count, CappedCount):
            asked = section.count.querysets(ctx)
            spans[section.key] = (len(querysets), len(querysets) + len(asked))
            querysets += asked
    counted = capped_counts(querysets)
    return [
        sum(counted[slice(*spans[section.key])]) if section.key in spans else section.count(ctx) for section in sections
    ]


def count_label(count: int) -> str:
    return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)


# --- deadlines on the working calendar ----------------------------------------------------------------------
def due_in_working_days(ctx: QueueContext, due: dt.datetime | dt.date) -> int | None:
    """Working days from today to the deadline's day (negative when past); None where the calendar has no year."""
    day = timezone.localdate(due) if isinstance(due, dt.datetime) else due
    try:
        if day >= ctx.today:
            return ctx.calendar.working_days_between(ctx.today, day)
        return -ctx.calendar.working_days_between(day, ctx.today)
    except CalendarYearMissing:
        return None


def due_text(ctx: QueueContext, due: dt.datetime | dt.date | None) -> tuple[str, str]:
    """(words, urgency class) for a deadline: overdue, due today, or how many working days are left."""
    if due is None:
        return "", ""
    past = due < ctx.now if isinstance(due, dt.datetime) else due < ctx.today
    days = due_in_working_days(ctx, due)
    if past:
        if days:
            return _("overdue by %(days)d working days") % {"days": -days}, "overdue"
        return _("overdue"), "overdue"
    if days is None:
        return "", ""
    if days == 0:
        return _("due today"), "due_soon"
    return _("%(days)d working days left") % {"days": days}, "due_soon" if days <= 1 else ""


@dataclass(frozen=True)
class ShownSection:
    section: QueueSection
    rows: list[dict]
    count: int
    count_label: str
    list_url: str


def queue_for(user, *, now: dt.datetime | None = None) -> list[ShownSection]:
    """Every section of the user's queue with its rows (deadlines in words) and its count."""
    ctx = QueueContext(user=user, now=now or timezone.now())
    sections = sections_for(user)
    rows = [section.rows(ctx) for section in sections]
    counts = section_counts(ctx, sections)  # always: a query count that does not depend on the queue's length
    return [
        ShownSection(
            section=section,
            rows=[_row_shown(ctx, row) for row in section_rows],
            count=count,
            count_label=count_label(count),
            list_url=page_url(section.list_url),
        )
        for section, section_rows, count in zip(sections, rows, counts, strict=True)
    ]


def _row_shown(ctx: QueueContext, row: QueueRow) -> dict:
    words, urgency = due_text(ctx, row.due)
    if isinstance(row.due, dt.datetime):
        due = timezone.localtime(row.due).strftime("%Y-%m-%d %H:%M")
    else:  # a day (a letter's response date, an alert's acknowledge-by date) has no time of day to show
        due = row.due.strftime("%Y-%m-%d") if row.due else ""
    return {"row": row, "due": due, "due_words": words, "urgency": urgency}


def counts_key(user) -> str:
    return f"queue-counts:{user.pk}"


def counts_for(user, *, now: dt.datetime | None = None, shown: list[ShownSection] | None = None) -> list[dict]:
    """The navigation's counts: one capped, index-served query per section; sections with nothing waiting left out.

    They are remembered for MINGZE_QUEUE_COUNT_SECONDS per user: a badge a minute old is still the right prompt, and
    a person's own changes forget them (arbitration.middleware). On the home page the queue just read (`shown`)
    already holds them, fresh: no query at all, and they are remembered for the pages that follow."""
    seconds = settings.MINGZE_QUEUE_COUNT_SECONDS
    if shown is not None:
        pairs = [(item.section, item.count) for item in shown]
        remember(counts_key(user), seconds, [(section.key, count) for section, count in pairs])
    else:
        ctx = QueueContext(user=user, now=now or timezone.now())
        chosen = sections_for(user)
        sections = {section.key: section for section in chosen}
        counted = remembered(
            counts_key(user),
            seconds,
            lambda: [(section.key, count) for section, count in zip(chosen, section_counts(ctx, chosen), strict=True)],
        )
        pairs = [(sections[key], count) for key, count in counted if key in sections]
    counts = []
    for section, count in pairs:
        if count:
            counts.append(
                {
                    "key": section.key,
                    "short": section.short,
                    "count": count,
                    "label": count_label(count),
                    "url": page_url(section.list_url),
                }
            )
    return counts


# --- arbitration's own sections ------------------------------------------------------------------------------------
def _liaison_due_assignments(ctx: QueueContext):
    """The active assignments of the user's departments whose ticket is open and due before the cutoff, by their
    copies of the ticket's status and due time: ranges of the partial `assignment_open_due` (open tickets only), one
    per department, read from the index alone (docs/scale.md, "The ticket's state on the assignment")."""
    from arbitration.models import Assignment
    from arbitration.selectors import DUE_SOON

    return Assignment.objects.filter(
        department_id__in=ctx.user.department_ids,
        ended_at=None,
        ticket_status__in=OPEN_TICKET_STATUSES,
        ticket_due_at__lt=ctx.now + DUE_SOON,
    ).order_by()


def _liaison_due_counted(ctx: QueueContext) -> list[QuerySet]:
    """How many tickets the section holds (capped), each once, from the index alone (0.2 ms at 10 M). Counted on the
    tickets, the walk of `ticket_open_due` probed every open ticket of the city due before the cutoff until 100 were
    the liaison's (3,400 probes, 10-18 ms, at a 3 % share)."""
    return [_liaison_due_assignments(ctx).values("ticket_id").distinct()]


_liaison_due_count = CappedCount(_liaison_due_counted)


def liaison_due_rows(ctx: QueueContext) -> list[QueueRow]:
    """The first tickets by (due time, id), read in two steps: their ids from the assignments' copies (the section's
    few hundred index entries, sorted; each ticket once, its copies being equal), then those tickets by primary key.
    Walking `ticket_open_due` in due order and probing each open ticket for the departments read 301 tickets for 10
    at 10 M (1,509 buffers); the two steps read about 60 (docs/homes.md)."""
    from arbitration.models import Ticket

    first = (
        _liaison_due_assignments(ctx)
        .order_by("ticket_due_at", "ticket_id")
        .values_list("ticket_due_at", "ticket_id")
        .distinct()[: ctx.limit]
    )
    ids = [ticket_id for _due, ticket_id in first]
    tickets = Ticket.objects.filter(pk__in=ids).only("hotline_no", "title", "due_at", "status").order_by("due_at", "pk")
    return [
        QueueRow(
            label=t.hotline_no,
            text=t.title,
            url=reverse("ticket-detail", args=[t.hotline_no]),
            due=t.due_at,
            note=t.get_status_display(),
        )
        for t in tickets
    ]


def _received_queryset():
    """Received, not yet dispatched, oldest first.

    Plan: an index scan of `ticket_received_queue` (partial index on received_at WHERE status = 'received'): only
    the tickets waiting for dispatch are in it, so the LIMIT and the capped count read a few index pages.
    """
    from arbitration.choices import TicketStatus
    from arbitration.models import Ticket

    return Ticket.objects.filter(status=TicketStatus.RECEIVED).order_by("received_at", "pk")


def received_rows(ctx: QueueContext) -> list[QueueRow]:
    tickets = _received_queryset().only("hotline_no", "title", "received_at", "response_due_at")[: ctx.limit]
    return [
        QueueRow(
            label=t.hotline_no,
            text=t.title,
            url=reverse("ticket-detail", args=[t.hotline_no]),  # the dispatch form with the suggestion
            due=t.response_due_at,
            note=_("received %(at)s") % {"at": timezone.localtime(t.received_at).strftime("%Y-%m-%d %H:%M")},
        )
        for t in tickets
    ]


# How many of the oldest tickets waiting for dispatch the "no owner" section looks at. Each is matched against the
# jurisdiction graph in memory (no query per ticket); beyond the oldest few hundred a dispatcher is not yet looking.
UNOWNED_SCAN = 200


def _unowned(ctx: QueueContext) -> list:
    """Tickets waiting for dispatch whose matter and place have no owner in the catalogue or the precedents (the
    suggestion's `no_owner`), oldest first: the dispatcher settles them by hand, or opens a catalogue gap."""
    if "unowned" not in ctx._memo:
        from arbitration.graph.cache import current_graph
        from arbitration.graph.suggest import suggest

        waiting = (
            _received_queryset()
            .filter(matter__isnull=False, territory__isnull=False)
            .select_related("territory")
            .only("hotline_no", "title", "received_at", "response_due_at", "matter_id", "territory__code")
        )[:UNOWNED_SCAN]
        graph = current_graph()
        ctx._memo["unowned"] = [
            t
            for t in waiting
            if suggest(graph, matter_id=t.matter_id, territory_code=t.territory.code, at=ctx.now).no_owner
        ]
    return ctx._memo["unowned"]


def unowned_rows(ctx: QueueContext) -> list[QueueRow]:
    return [
        QueueRow(
            label=t.hotline_no,
            text=t.title,
            url=reverse("ticket-detail", args=[t.hotline_no]),
            due=t.response_due_at,
            note=_("no owner in the catalogue"),
        )
        for t in _unowned(ctx)[: ctx.limit]
    ]


def _pending_bounces():
    from arbitration.selectors_conference import bounce_review_queue

    return bounce_review_queue()


def bounce_review_rows(ctx: QueueContext) -> list[QueueRow]:
    """Oldest bounce first: the ticket stays with the bouncing department until the review, so its clock runs."""
    rows = []
    for b in _pending_bounces()[: ctx.limit]:
        waited = due_in_working_days(ctx, b.created_at)
        rows.append(
            QueueRow(
                label=b.ticket.hotline_no,
                text=_("%(department)s: %(reason)s") % {"department": b.department.name, "reason": b.reason.name},
                url=f"{reverse('bounce-review')}#bounce-{b.pk}",  # its card on the review page holds the form
                due=b.ticket.due_at,
                note=_("bounced %(days)d working days ago") % {"days": -waited} if waited else _("bounced today"),
            )
        )
    return rows


def _disputes_to_move():
    from arbitration.choices import DisputeStatus
    from arbitration.models import Dispute

    # The (status, deadline) index serves both the filter and the order.
    return (
        Dispute.objects.filter(status__in=(DisputeStatus.OPEN, DisputeStatus.NEGOTIATING))
        .select_related("ticket")
        .order_by("deadline", "pk")
    )


def dispute_rows(ctx: QueueContext) -> list[QueueRow]:
    disputes = _disputes_to_move()[: ctx.limit]
    return [
        QueueRow(
            label=d.ticket.hotline_no,
            text=d.ticket.title,
            url=reverse("dispute-detail", args=[d.pk]),
            due=d.deadline,
            note=_("deadline passed: put it on the agenda") if d.deadline < ctx.now else d.get_status_display(),
        )
        for d in disputes
    ]


def _items_to_vote(user):
    """Open agenda items of scheduled sessions the user sits in, where their seat has not voted yet."""
    from arbitration.choices import AgendaItemStatus
    from arbitration.models import AgendaItem, Vote

    voted = Vote.objects.filter(item=OuterRef("pk"), seat__member=user)
    return (
        AgendaItem.objects.filter(status=AgendaItemStatus.OPEN, session__seats__member=user)
        .exclude(Exists(voted))
        .select_related("session", "dispute__ticket")
        .order_by("session__scheduled_for", "session_id", "position")
        .distinct()
    )


def vote_rows(ctx: QueueContext) -> list[QueueRow]:
    from arbitration.models import Dispute, Seat

    items = list(_items_to_vote(ctx.user)[: ctx.limit])
    # Recusal (回避): a member seated for a party may speak but not vote. One query for every row's answer.
    seats = dict(
        Seat.objects.filter(member=ctx.user, session_id__in={i.session_id for i in items}).values_list(
            "session_id", "department_id"
        )
    )
    parties = set(
        Dispute.parties.through.objects.filter(dispute_id__in={i.dispute_id for i in items}).values_list(
            "dispute_id", "department_id"
        )
    )
    rows = []
    for item in items:
        recused = (item.dispute_id, seats.get(item.session_id)) in parties
        rows.append(
            QueueRow(
                label=item.session.title,
                text=item.dispute.ticket.title,
                url=reverse("conference-item", args=[item.pk]),
                due=item.session.scheduled_for,
                note=_("Your department is a party to this dispute: you are recused and may not vote.")
                if recused
                else _("vote"),
            )
        )
    return rows


def _sessions_seated(ctx: QueueContext):
    from arbitration.choices import SessionStatus
    from arbitration.models import ConferenceSession

    return (
        ConferenceSession.objects.filter(status=SessionStatus.SCHEDULED, seats__member=ctx.user)
        .order_by("scheduled_for", "pk")
        .distinct()
    )


def session_rows(ctx: QueueContext) -> list[QueueRow]:
    return [
        QueueRow(
            label=s.title,
            text=s.location,
            url=reverse("conference-session", args=[s.pk]),
            due=s.scheduled_for,
        )
        for s in _sessions_seated(ctx)[: ctx.limit]
    ]


def _sign_off():
    from arbitration.selectors_conference import leader_queue

    return leader_queue()


def sign_off_rows(ctx: QueueContext) -> list[QueueRow]:
    return [
        QueueRow(
            label=d.ticket.hotline_no,
            text=d.ticket.title,
            url=reverse("dispute-detail", args=[d.pk]),
            due=d.deadline,
            note=", ".join(p.name for p in d.parties.all()),
        )
        for d in _sign_off()[: ctx.limit]
    ]


def _decisions_to_carry_out(user):
    """Rulings and leader decisions naming one of the user's departments as lead whose ticket is still open."""
    from arbitration.models import LeaderDecision, Ruling

    return {
        kind: model.objects.filter(
            lead_id__in=user.department_ids, in_force=True, ticket__status__in=OPEN_TICKET_STATUSES
        )
        .select_related("ticket")
        .order_by("issued_at", "pk")
        for kind, model in (("ruling", Ruling), ("decision", LeaderDecision))
    }


def decision_rows(ctx: QueueContext) -> list[QueueRow]:
    """Oldest first: the longer a binding decision waits to be carried out, the nearer it is to a refusal case."""
    rows = []
    for kind, queryset in _decisions_to_carry_out(ctx.user).items():
        queryset = queryset.only("document_number", "ticket__title", "ticket__due_at", "ticket__hotline_no")
        rows += [
            QueueRow(
                label=d.document_number,
                text=d.ticket.title,
                url=reverse("decision-detail", args=[kind, d.pk]),
                due=d.ticket.due_at,
                note=d.ticket.hotline_no,
            )
            for d in queryset[: ctx.limit]
        ]
    return rows[: ctx.limit]


def _window_cutoff(ctx: QueueContext) -> dt.datetime | None:
    """The earliest dispatch time whose bounce window is still open now (docs/bounces.md: office closing on the
    N-th working day after the day of dispatch). None when the calendar lacks the year. Read once per request: the
    section's rows and its count both ask."""
    if "window_cutoff" not in ctx._memo:
        ctx._memo["window_cutoff"] = _window_cutoff_read(ctx)
    return ctx._memo["window_cutoff"]


def _window_cutoff_read(ctx: QueueContext) -> dt.datetime | None:
    window = settings.MINGZE_BOUNCE_WINDOW_WORKING_DAYS
    day = ctx.today - dt.timedelta(days=window * 3 + 14)  # far enough back to cover any run of holidays
    try:
        while ctx.calendar.closing_time(ctx.calendar.add_working_days(day, window)) <= ctx.now:
            day += dt.timedelta(days=1)
    except CalendarYearMissing:
        return None
    return dt.datetime.combine(day, dt.time(), ctx.calendar.tz)


def _bounceable(ctx: QueueContext):
    """Active lead assignments of the user's departments, dispatched inside the bounce window, not yet bounced.

    Plan (PostgreSQL, EXPLAIN ANALYZE at 10M tickets, 300k open, a liaison of three bureaus; docs/homes.md): the
    partial index `assignment_lead_since` (assigned_at, id) WHERE ended_at IS NULL AND role = lead, with the
    department, ticket and method included, is walked from the window's start in the section's order, keeping the
    liaison's departments; each row kept is checked against its ticket (open: a scalar subquery, one primary key
    probe) and its bounce (none); LIMIT stops the walk (0.9 ms). For one department `assignment_active_recent`
    (department, assigned_at) gives its range in order. With several, that index returned 2,500 rows unordered, each
    probed and then sorted (12 ms). Joined to the ticket instead, the planner hashed these assignments and walked
    every open ticket's entry of `ticket_open_due` to match them (80 ms at 10M, growing with the open tickets).
    """
    from arbitration.choices import AssignmentMethod, AssignmentRole
    from arbitration.models import Assignment, Bounce, Ticket

    cutoff = _window_cutoff(ctx)
    if cutoff is None:
        return Assignment.objects.none()
    open_ticket = Ticket.objects.filter(pk=OuterRef("ticket_id"), status__in=OPEN_TICKET_STATUSES)
    open_ticket = open_ticket.order_by().values("pk")
    return (
        Assignment.objects.filter(
            department_id__in=ctx.user.department_ids,
            ended_at=None,
            assigned_at__gte=cutoff,
            role=AssignmentRole.LEAD,
        )
        .alias(open_ticket=Subquery(open_ticket))
        .filter(open_ticket__isnull=False)
        .exclude(method=AssignmentMethod.FIRST_RECEIVER)  # holds the ticket until settled: no bounce (docs/dispatch.md)
        .exclude(Exists(Bounce.objects.filter(assignment=OuterRef("pk"))))
        .order_by("assigned_at", "pk")
    )


def bounce_window_rows(ctx: QueueContext) -> list[QueueRow]:
    """The section's assignments with their tickets' number and title, in one statement: each a scalar subquery by
    the ticket's primary key, evaluated for the rows the LIMIT keeps (a join brings back the plan `_bounceable`'s
    docstring avoids; a prefetch was a second statement and a model instance per assignment and per ticket)."""
    from arbitration.models import Ticket
    from arbitration.services.bounces import bounce_window_closes_after

    ticket = Ticket.objects.filter(pk=OuterRef("ticket_id")).order_by()
    shown = _bounceable(ctx).annotate(
        hotline_no=Subquery(ticket.values("hotline_no")), title=Subquery(ticket.values("title"))
    )
    url = f"{page_url('bounce-mine')}#assignment-"  # the bounce form of this assignment
    note = _("the bounce window closes: bounce now or keep the ticket")
    return [
        QueueRow(
            label=hotline_no,
            text=title,
            url=f"{url}{pk}",
            due=bounce_window_closes_after(assigned_at, ctx.calendar),
            note=note,
        )
        for pk, assigned_at, hotline_no, title in shown.values_list("pk", "assigned_at", "hotline_no", "title")[
            : ctx.limit
        ]
    ]


def is_departmental(user) -> bool:
    """Whether the user acts for a department: the department sections apply only then."""
    return bool(user.department_ids)


def register_arbitration_sections() -> None:
    dispatchers = (Role.DISPATCHER,)
    liaisons = (Role.LIAISON,)
    for section in (
        QueueSection(
            key="arbitration.received",
            roles=dispatchers,
            title=gettext_lazy("Received, waiting for dispatch"),
            short=gettext_lazy("To dispatch"),
            rows=received_rows,
            count=CappedCount(lambda ctx: [_received_queryset()]),
            list_url="ticket-list",
            order=10,
        ),
        QueueSection(
            key="arbitration.unowned",
            roles=dispatchers,
            title=gettext_lazy("Waiting tickets with no owner in the catalogue"),
            short=gettext_lazy("No owner"),
            rows=unowned_rows,
            count=lambda ctx: len(_unowned(ctx)),
            list_url="ticket-list",
            order=15,
        ),
        QueueSection(
            key="arbitration.bounces",
            roles=dispatchers,
            title=gettext_lazy("Bounces waiting for review"),
            short=gettext_lazy("Bounces to review"),
            rows=bounce_review_rows,
            count=CappedCount(lambda ctx: [_pending_bounces()]),
            list_url="bounce-review",
            order=20,
        ),
        QueueSection(
            key="arbitration.disputes",
            roles=dispatchers,
            title=gettext_lazy("Disputes due for negotiation or the agenda"),
            short=gettext_lazy("Disputes"),
            rows=dispute_rows,
            count=CappedCount(lambda ctx: [_disputes_to_move()]),
            list_url="dispute-list",
            order=30,
        ),
        QueueSection(
            key="arbitration.due",
            roles=liaisons,
            title=gettext_lazy("My departments' tickets overdue and due soon"),
            short=gettext_lazy("Due tickets"),
            rows=liaison_due_rows,
            count=_liaison_due_count,
            list_url="ticket-list",
            order=10,
            applies=is_departmental,
        ),
        QueueSection(
            key="arbitration.bounce_windows",
            roles=liaisons,
            title=gettext_lazy("Bounce windows closing"),
            short=gettext_lazy("Bounce windows"),
            rows=bounce_window_rows,
            # Counted unordered: sorted, PostgreSQL read every assignment of the window and probed each one's ticket
            # before counting 100 (11 ms at 10 M); unordered, it stops at the 100th (docs/homes.md).
            count=CappedCount(lambda ctx: [_bounceable(ctx).order_by()]),
            list_url="bounce-mine",
            order=20,
            applies=is_departmental,
        ),
        QueueSection(
            key="arbitration.decisions",
            roles=liaisons,
            title=gettext_lazy("Rulings and decisions to carry out"),
            short=gettext_lazy("Rulings to carry out"),
            rows=decision_rows,
            count=CappedCount(lambda ctx: list(_decisions_to_carry_out(ctx.user).values())),
            list_url="decision-list",
            order=40,
            applies=is_departmental,
        ),
        QueueSection(
            key="arbitration.votes",
            roles=(Role.CONFERENCE_MEMBER,),
            title=gettext_lazy("Agenda items waiting for my vote"),
            short=gettext_lazy("Votes"),
            rows=vote_rows,
            count=CappedCount(lambda ctx: [_items_to_vote(ctx.user)]),
            list_url="conference-home",
            order=10,
        ),
        QueueSection(
            key="arbitration.sessions",
            roles=(Role.CONFERENCE_MEMBER,),
            title=gettext_lazy("Sessions where I sit"),
            short=gettext_lazy("Sessions"),
            rows=session_rows,
            count=CappedCount(lambda ctx: [_sessions_seated(ctx)]),
            list_url="conference-home",
            order=20,
        ),
        QueueSection(
            key="arbitration.sign_off",
            roles=(Role.CITY_LEADER,),
            title=gettext_lazy("Disputes waiting for my sign-off"),
            short=gettext_lazy("Sign-off"),
            rows=sign_off_rows,
            count=CappedCount(lambda ctx: [_sign_off()]),
            list_url="leader-queue",
            order=10,
        ),
    ):
        queue_register(section)
