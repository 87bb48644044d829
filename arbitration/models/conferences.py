"""The joint conference: sessions, seats (granted with django-guardian), agenda items and votes."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from arbitration.choices import DEFAULT_RULING_SCOPE, AgendaItemStatus, AgendaOutcome, RulingScope, SessionStatus
from arbitration.history import HistoricalRecords


class ConferenceSession(models.Model):
    """联席会议会次: one sitting of the joint conference, with a date, a chair and its seats."""

    title = models.CharField(_("title"), max_length=200)
    scheduled_for = models.DateTimeField(_("scheduled for"), db_index=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("chair"), on_delete=models.PROTECT, related_name="chaired_sessions"
    )
    status = models.CharField(_("status"), max_length=16, choices=SessionStatus, default=SessionStatus.SCHEDULED)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conference session")
        verbose_name_plural = _("conference sessions")
        ordering = ["-scheduled_for", "-pk"]
        permissions = [
            ("sit_conferencesession", _("Can sit in a conference session (see its items, vote)")),
            ("chair_conferencesession", _("Can chair a conference session (close its items)")),
        ]

    def __str__(self) -> str:
        return self.title


class SessionUserObjectPermission(UserObjectPermissionBase):
    """会次席位授权: a user's grant on one session — a direct foreign key, not a generic one (TECH.md)."""

    content_object = models.ForeignKey(ConferenceSession, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("session grant to a user")
        verbose_name_plural = _("session grants to users")


class SessionGroupObjectPermission(GroupObjectPermissionBase):
    """会次组授权: a group's grant on one session."""

    content_object = models.ForeignKey(ConferenceSession, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("session grant to a group")
        verbose_name_plural = _("session grants to groups")


class Seat(models.Model):
    """席位: a member seated in one session for a department or body (bureau, district, 编办, 司法局, 纪委监委)."""

    session = models.ForeignKey(
        ConferenceSession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="seats"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.PROTECT, related_name="seats"
    )
    department = models.ForeignKey(
        "arbitration.Department", verbose_name=_("represents"), on_delete=models.PROTECT, related_name="seats"
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["session", "department__code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="one_seat_per_member"),
            models.UniqueConstraint(fields=["session", "department"], name="one_seat_per_body"),
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.department})"


class AgendaItem(models.Model):
    """议题: one dispute put before one session. Closing it freezes the tally, quorum and majority.

    Votes and the close both lock this row, so a vote is either counted in the frozen result or refused
    as too late; never lost.
    """

    session = models.ForeignKey(
        ConferenceSession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="items"
    )
    dispute = models.OneToOneField(
        "arbitration.Dispute", verbose_name=_("dispute"), on_delete=models.PROTECT, related_name="agenda_item"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=AgendaItemStatus, default=AgendaItemStatus.OPEN)
    scope = models.CharField(_("proposed scope"), max_length=20, choices=RulingScope, default=DEFAULT_RULING_SCOPE)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    # Frozen at close.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=AgendaOutcome, blank=True)
    result = models.JSONField(
        _("frozen result"),
        default=dict,
        blank=True,
        help_text=_("Tally, quorum, majority, recusals and named votes as counted at close."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.session} · {self.position}"

    @property
    def is_open(self) -> bool:
        return self.status == AgendaItemStatus.OPEN


class Vote(models.Model):
    """表决: a seated member's named choice of lead and co-handlers on an item, or an abstention; one per seat."""

    item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"), on_delete=models.PROTECT, related_name="votes")
    seat = models.ForeignKey(Seat, verbose_name=_("seat"), on_delete=models.PROTECT, related_name="votes")
    lead = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for an abstention."),
    )
    # Department ids, not a many-to-many: a vote is one row and each of its history rows the whole vote, so the
    # write that fifty members make at once is two inserts (vote_cast checks the ids against active departments).
    co_handler_ids = models.JSONField(_("co-handlers"), default=list, blank=True)
    reason = models.TextField(_("reason"))
    cast_at = models.DateTimeField(_("cast at"), default=timezone.now)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["item", "seat"]
        constraints = [models.UniqueConstraint(fields=["item", "seat"], name="one_vote_per_seat")]

    def __str__(self) -> str:
        return f"{self.seat}: {self.lead or _('abstain')}"

    @property
    def abstains(self) -> bool:
        return self.lead_id is None
