"""Tickets from the hotline, their assignments to departments, and the domain events of both."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.choices import (
    OPEN_TICKET_STATUSES,
    AssignmentMethod,
    AssignmentRole,
    Channel,
    RequestType,
    Resolution,
    Satisfaction,
    TicketEventKind,
    TicketStatus,
)
from arbitration.history import WHO_COLUMN, HistoricalRecords

from .transitions import AttributedRecord


class TicketQuerySet(models.QuerySet):
    def open(self) -> "TicketQuerySet":
        return self.filter(status__in=OPEN_TICKET_STATUSES)


class Ticket(models.Model):
    """工单: one citizen request, identified by the hotline platform's own number."""

    hotline_no = models.CharField(_("hotline number"), max_length=40, unique=True)
    received_at = models.DateTimeField(_("received at"))
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel, default=Channel.PHONE)
    request_type = models.CharField(_("request type"), max_length=16, choices=RequestType)
    matter = models.ForeignKey(
        "arbitration.Matter",
        verbose_name=_("matter"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,  # the (matter, territory) index serves lookups by matter
    )
    territory = models.ForeignKey(
        "arbitration.Territory", verbose_name=_("territory"), on_delete=models.PROTECT, related_name="tickets"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    citizen_name = models.CharField(_("citizen name"), max_length=50, blank=True)
    citizen_phone = models.CharField(_("citizen phone"), max_length=20, blank=True)
    confidential = models.BooleanField(
        _("confidential"), default=False, help_text=_("The citizen asked that their identity not be disclosed.")
    )
    time_limit_tier = models.ForeignKey(
        "arbitration.TimeLimitTier",
        verbose_name=_("time limit"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,  # five tiers: no query picks tickets by tier alone
    )
    # Set when an upheld bounce hands the ticket to a new owner: its limit runs from its own dispatch
    # (docs/bounces.md). Empty: the limit runs from `dispatched_at`.
    clock_started_at = models.DateTimeField(_("time limit counted from"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    due_unknown_reason = models.CharField(_("why the due time is unknown"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=TicketStatus, default=TicketStatus.RECEIVED)
    # The platform's facts after dispatch (docs/platform-events.md): empty until the platform reports them, and an
    # empty fact is "not yet known", never a failure.
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("first response due at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    resolution = models.CharField(_("resolved"), max_length=16, choices=Resolution, blank=True)
    satisfaction = models.CharField(_("satisfied"), max_length=16, choices=Satisfaction, blank=True)
    result = models.TextField(_("result"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    visited_at = models.DateTimeField(_("return visit at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    rehandle_count = models.PositiveSmallIntegerField(_("times re-handled"), default=0)
    # Verification by the centre (核验) for the tiers in MINGZE_VERIFICATION_TIERS: until then the reply does not
    # count as handled (docs/dispatch.md).
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # 1 for the first dispatch; a second dispatch (二次派单) after an unsatisfied round starts round 2, …
    dispatch_round = models.PositiveSmallIntegerField(_("dispatch round"), default=1)
    reminder_count = models.PositiveSmallIntegerField(_("reminders"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Every index is paid for on each of the millions of rows an import writes. History is read per ticket (by id),
    # by date and by user, never by these columns, so their indexes are left out of the history table.
    history = HistoricalRecords(
        excluded_fields=["updated_at"], no_db_index=["hotline_no", "matter", "territory", "time_limit_tier", "due_at"]
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            # The open tickets by due time, for the supervision sweep's time-limit selection. A partial index: the
            # planner cannot see that open tickets are mostly not yet due (it multiplies "open" by "due_at < t",
            # which closed tickets make nearly 1) and chose a sequential scan of every ticket; this index holds
            # only the open few, so its cost is theirs (docs/spread.md, "The sweep's selection").
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(status__in=OPEN_TICKET_STATUSES),
                name="ticket_open_due",
            ),
            # Newest first for the ticket list; the included columns let the supervision sweep's window scans
            # (repeated requests, repeated dissatisfaction) read the index alone on PostgreSQL, not the table.
            models.Index(
                fields=["-received_at"],
                include=["id", "matter", "territory", "status", "satisfaction", "citizen_phone"],
                name="ticket_recent_window",
            ),
            models.Index(fields=["matter", "territory"]),
            # The ticket list's order, (received_at, id) newest first, under each common filter, so that a keyset
            # page reads a page of index entries at any depth (docs/scale.md has each filter's plan).
            models.Index(fields=["status", "-received_at", "-id"], name="ticket_status_recent"),
            models.Index(fields=["matter", "-received_at", "-id"], name="ticket_matter_recent"),
            models.Index(fields=["territory", "-received_at", "-id"], name="ticket_territory_recent"),
            # The open tickets alone (a few % of the city), for the urgency filters: walked newest first, due_at
            # checked from the index.
            models.Index(
                fields=["-received_at", "-id"],
                include=["due_at"],
                condition=models.Q(status__in=OPEN_TICKET_STATUSES),
                name="ticket_open_recent",
            ),
            # The home queues (docs/homes.md): tickets waiting for dispatch, oldest first (a liaison's "overdue and
            # due soon" reads `ticket_open_due` above). Partial: only the open few of millions are in it.
            models.Index(fields=["received_at"], condition=models.Q(status="received"), name="ticket_received_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.hotline_no} {self.title}"

    def save(self, *args, **kwargs) -> None:
        """Save, and have the ticket's assignments follow its status, due time, matter and territory (their copies,
        `Assignment.ticket_status`, `ticket_due_at`, `ticket_matter`, `ticket_territory`) in the same transaction:
        every service and the admin change a ticket through here. Writers that bypass it (the platform events' batch)
        call `assignments_follow` too."""
        adding = self._state.adding
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if not adding and (fields is None or not COPIED_TO_ASSIGNMENTS.isdisjoint(fields)):
            assignments_follow([self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TICKET_STATUSES

    @property
    def due_time_known(self) -> bool:
        return self.dispatched_at is None or self.due_at is not None


# The ticket's fields its assignments keep a copy of (besides received_at, see Assignment.ticket_received_at), as
# `update_fields` may name them ("matter" or its column "matter_id").
COPIED_TO_ASSIGNMENTS = frozenset({"status", "due_at", "matter", "matter_id", "territory", "territory_id"})


def assignments_follow(ticket_ids) -> None:
    """Rewrite the assignments' copies of their tickets' status, due time, matter and territory from the stored
    tickets. The copies are left out of the assignments' history: the ticket's own history records the values."""
    ticket = Ticket.objects.filter(pk=models.OuterRef("ticket_id"))
    Assignment.objects.filter(ticket_id__in=ticket_ids).update(  # history: untracked (a copy, see above)
        ticket_status=models.Subquery(ticket.values("status")[:1]),
        ticket_due_at=models.Subquery(ticket.values("due_at")[:1]),
        ticket_matter_id=models.Subquery(ticket.values("matter_id")[:1]),
        ticket_territory_id=models.Subquery(ticket.values("territory_id")[:1]),
    )


class Assignment(models.Model):
    """派单: a ticket given to a department as lead, co-handler or copied regulator.

    An assignment is never deleted: re-dispatch ends it (`ended_at`) and opens a new one, so the route a
    ticket took stays on the record.
    """

    # Both keys are served by the composite indexes below, which start with them.
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="assignments", db_index=False
    )
    department = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="assignments",
        db_index=False,
    )
    role = models.CharField(_("role"), max_length=16, choices=AssignmentRole, default=AssignmentRole.LEAD)
    method = models.CharField(_("method"), max_length=20, choices=AssignmentMethod, default=AssignmentMethod.DIRECT)
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **WHO_COLUMN,  # shown per ticket, never searched by
    )
    reason = models.TextField(_("reason"), blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # A copy of the ticket's received_at, the ticket list's sort key, so that a department's tickets can be read
    # newest first from the index below instead of reading every assignment of the department and sorting
    # (docs/scale.md, "A liaison's list"). Every path that writes assignments sets it; a change of the ticket's
    # received_at rewrites it (services.tickets.ticket_receive). Left out of the history: the ticket's own history
    # records the value, and a copy moving with it is no event.
    ticket_received_at = models.DateTimeField(_("ticket received at"), editable=False)
    # Copies of the ticket's status and due time, kept the same way (`Ticket.save` rewrites them, the bulk writers
    # write them): a department's open tickets, and those due, are then a range of an assignment index instead of
    # all its assignments or all the city's open tickets (docs/scale.md, "The ticket's state on the assignment").
    ticket_status = models.CharField(_("ticket status"), max_length=16, choices=TicketStatus, editable=False)
    ticket_due_at = models.DateTimeField(_("ticket due at"), null=True, editable=False)
    # Copies of the ticket's matter and territory, kept the same way: a liaison's list by matter or by place is then
    # each department's range of an index on (department, copy, received_at) instead of the departments' tickets
    # intersected with the matter's or the place's (docs/scale.md, "A liaison's list by matter or territory").
    # No foreign key constraint, and nothing to do on delete: the ticket's own keys protect the matter and the place,
    # and a copy names what its ticket names.
    ticket_matter = models.ForeignKey(
        "arbitration.Matter",
        verbose_name=_("ticket matter"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        editable=False,
        related_name="+",
    )
    ticket_territory = models.ForeignKey(
        "arbitration.Territory",
        verbose_name=_("ticket territory"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        editable=False,
        related_name="+",
    )
    history = HistoricalRecords(
        excluded_fields=["ticket_received_at", "ticket_status", "ticket_due_at", "ticket_matter", "ticket_territory"],
        no_db_index=["department", "assigned_by"],
    )  # read per ticket (timeline)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["assigned_at", "pk"]
        indexes = [
            # The liaison's visibility join: department → tickets (TECH.md: no per-ticket grants). The id is included
            # so that all of a liaison's assignments are read from the index alone when they are hashed against a
            # matter's or territory's tickets (selectors._in_subtree), not from some 3,000 heap pages.
            models.Index(fields=["department", "ticket"], include=["id"], name="assignment_dept_ticket"),
            models.Index(fields=["ticket", "ended_at"]),
            # A department's tickets in the ticket list's order (received_at, id) newest first: a liaison's list and
            # the list filtered by department read a page of it from the cursor's key (access.tickets_held_by).
            models.Index(fields=["department", "-ticket_received_at", "-ticket"], name="assignment_dept_recent"),
            # The same order across departments, for a liaison of several: PostgreSQL cannot merge one range per
            # department (department IN (…) comes back in department order, then sorted whole), so it walks this one
            # newest first keeping their departments' rows, read from the index alone (department and id included).
            models.Index(
                fields=["-ticket_received_at", "-ticket"], include=["department", "id"], name="assignment_recent"
            ),
            # A liaison's "bounce windows closing" (docs/homes.md): the department's active assignments of the last
            # few working days, in the order their windows close.
            models.Index(
                fields=["department", "assigned_at"], condition=models.Q(ended_at=None), name="assignment_active_recent"
            ),
            # The same section for a liaison of several departments: `department IN (…)` returns each department's
            # range in turn, so the index above yields them unordered, and every row (each with its ticket probed
            # for being open) was read and sorted to show ten. This one holds the active leads in dispatch order
            # across departments, with what the section checks included: walked from the window's start, keeping
            # the liaison's rows, it stops at the LIMIT (docs/homes.md).
            models.Index(
                fields=["assigned_at", "id"],
                include=["department", "ticket", "method"],
                condition=models.Q(ended_at=None, role="lead"),
                name="assignment_lead_since",
            ),
            # The tickets a department is copied on now (双向联办): a liaison sees those tickets' supervision cases
            # (supervision.access.cases_visible_to), a condition PostgreSQL evaluates once as a hashed set of these
            # few rows. Without this index that set was a sequential scan of every assignment (200 ms at 1 M).
            models.Index(
                fields=["department", "ticket"],
                condition=models.Q(role="copied", ended_at=None),
                name="assignment_copied_active",
            ),
            # A liaison's open tickets by due time (the home's "overdue and due soon"): the open few of a department's
            # assignments, read from the index alone (docs/homes.md).
            models.Index(
                fields=["department", "ticket_due_at", "ticket"],
                include=["ended_at"],
                condition=models.Q(ticket_status__in=OPEN_TICKET_STATUSES),
                name="assignment_open_due",
            ),
            # A status filter of a liaison's list: the tickets of one status newest first across departments, walked
            # keeping the liaison's rows, as `assignment_recent` is without a filter (docs/scale.md).
            models.Index(
                fields=["ticket_status", "-ticket_received_at", "-ticket"],
                include=["department", "id"],
                name="assignment_status_recent",
            ),
            # A liaison's list by matter or by place: each department's range of the matter (or of each place of a
            # street or district) in the list's order, read from the index alone and merged by a sort of the few
            # rows that match, never the departments' thousands of tickets (docs/scale.md).
            models.Index(
                fields=["department", "ticket_matter", "-ticket_received_at", "-ticket"],
                include=["id"],
                name="assignment_dept_matter",
            ),
            models.Index(
                fields=["department", "ticket_territory", "-ticket_received_at", "-ticket"],
                include=["id"],
                name="assignment_dept_territory",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.hotline_no} → {self.department} ({self.get_role_display()})"

    def save(self, *args, **kwargs) -> None:
        # Any path through the ORM copies the ticket's state; bulk writers set it.
        if self.ticket_received_at is None:
            self.ticket_received_at = self.ticket.received_at
        if not self.ticket_status:
            self.ticket_status, self.ticket_due_at = self.ticket.status, self.ticket.due_at
        if self.ticket_matter_id is None:
            self.ticket_matter_id, self.ticket_territory_id = self.ticket.matter_id, self.ticket.territory_id
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class TicketEvent(AttributedRecord):
    """工单事件: what happened to a ticket (from, to, actor, reason, when) — timelines and dossiers read these."""

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,  # the (ticket, at) index serves it
    )
    kind = models.CharField(_("kind"), max_length=32, choices=TicketEventKind)
    from_status = models.CharField(_("from"), max_length=32, blank=True)
    to_status = models.CharField(_("to"), max_length=32, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    # The hotline platform's own id of the event: the same event delivered twice is stored once. Empty for
    # the events Mingze records itself.
    platform_event_id = models.CharField(_("platform event id"), max_length=64, null=True, blank=True)

    subject_field = "ticket"

    class Meta(AttributedRecord.Meta):
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "at"])]
        constraints = [
            # Partial: Mingze's own events (the many) carry no platform id and cost the index nothing.
            models.UniqueConstraint(
                fields=["platform_event_id"],
                condition=models.Q(platform_event_id__isnull=False),
                name="ticket_event_platform_id_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_kind_display()}"
