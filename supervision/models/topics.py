"""The monthly topic (每月一题): a recurring problem taken up for a systemic fix (docs/topics.md)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from arbitration.history import HistoricalRecords
from arbitration.models import IssuedDocument
from arbitration.models.transitions import StatusTransition
from supervision.choices import TopicSource, TopicStatus, TopicTicketVia


def default_lookback_days() -> int:
    return settings.MINGZE_TOPIC_LOOKBACK_DAYS


class Topic(models.Model):
    """每月一题: one recurring problem — a matter, optionally a territory and key words — that a city leader makes
    one department own until a deadline. It gathers the tickets its rule matches (docs/topics.md, "The rule")."""

    title = models.CharField(_("title"), max_length=200)
    matter = models.ForeignKey(
        "arbitration.Matter", verbose_name=_("matter"), on_delete=models.PROTECT, related_name="topics"
    )
    territory = models.ForeignKey(
        "arbitration.Territory",
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="topics",
        help_text=_("Empty: the whole city."),
    )
    keywords = models.CharField(
        _("key words"),
        max_length=255,
        blank=True,
        help_text=_("Separated by spaces or commas; a ticket matches when its title or text holds any of them."),
    )
    rationale = models.TextField(_("rationale"))
    source_kind = models.CharField(_("proposed from"), max_length=16, choices=TopicSource, blank=True)
    source_reference = models.CharField(_("source reference"), max_length=200, blank=True)
    lookback_days = models.PositiveSmallIntegerField(
        _("look-back days"),
        default=default_lookback_days,
        help_text=_("Tickets received this many days before approval join the topic, and are its 'before' figures."),
    )
    status = models.CharField(_("status"), max_length=16, choices=TopicStatus, default=TopicStatus.PROPOSED)
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    lead = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="topics_led",
    )
    co_handlers = models.ManyToManyField(
        "arbitration.Department", verbose_name=_("co-handlers"), blank=True, related_name="topics_co_handled"
    )
    goal = models.TextField(_("goal"), blank=True)
    target_weekly_tickets = models.PositiveIntegerField(
        _("target: tickets per week at most"),
        null=True,
        blank=True,
        help_text=_("The measurable target: the topic's tickets per week once it has been worked on."),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    tickets = models.ManyToManyField(
        "arbitration.Ticket", verbose_name=_("tickets"), through="supervision.TopicTicket", related_name="topics"
    )
    history = HistoricalRecords(m2m_fields=[co_handlers])

    class Meta:
        verbose_name = _("monthly topic")
        verbose_name_plural = _("monthly topics")
        ordering = ["-proposed_at", "-pk"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["-proposed_at", "-id"], name="topic_recent"),  # the list's keyset order
        ]
        permissions = [("report_topic", _("Can report progress on a monthly topic"))]

    def __str__(self) -> str:
        return self.title

    @property
    def keyword_list(self) -> list[str]:
        return [word for word in self.keywords.replace("，", ",").replace(",", " ").split() if word]


class TopicTicket(models.Model):
    """题目工单: a ticket the topic's rule matched. Derived from the rule (written in bulk as tickets arrive, so
    without history rows): it is never edited, only added."""

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="memberships")
    ticket = models.ForeignKey(
        "arbitration.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="topic_memberships"
    )
    via = models.CharField(_("joined by"), max_length=16, choices=TopicTicketVia)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket of a topic")
        verbose_name_plural = _("tickets of topics")
        ordering = ["joined_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["topic", "ticket"], name="one_membership_per_topic_ticket")]

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.ticket_id}"


def topic_attachment_upload_to(report: "TopicReport", filename: str) -> str:
    return f"supervision/topics/{report.topic_id}/{filename}"


class TopicReport(models.Model):
    """进展报告: what the lead department's liaison reports on the topic — text, figures, an optional file."""

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="reports")
    department = models.ForeignKey(
        "arbitration.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="topic_reports"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("progress"))
    figures = models.JSONField(
        _("figures"), default=dict, blank=True, help_text=_('Named figures, e.g. {"stalls cleared": 12}.')
    )
    attachment = models.FileField(_("attachment"), upload_to=topic_attachment_upload_to, blank=True, max_length=255)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("topic progress report")
        verbose_name_plural = _("topic progress reports")
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.topic} · {self.submitted_at:%Y-%m-%d}"


class TopicTransition(StatusTransition):
    """题目流转记录: each status move of a topic (from, to, actor, reason, when)."""

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=16, choices=TopicStatus, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=TopicStatus)

    subject_field = "topic"

    class Meta(StatusTransition.Meta):
        verbose_name = _("topic event")
        verbose_name_plural = _("topic events")


class TopicClosingReport(IssuedDocument):
    """结题报告: the numbered closing report of a topic, with its before/after figures frozen in `data`."""

    topic = models.OneToOneField(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="closing_report"
    )
    history = HistoricalRecords(excluded_fields=["data"])

    class Meta:
        verbose_name = _("topic closing report")
        verbose_name_plural = _("topic closing reports")
        ordering = ["-issued_at", "-pk"]

    def build_pdf(self) -> bytes:
        from arbitration.documents.render import LetterData, render_letter

        return render_letter(LetterData.from_dict(self.data))


class TopicUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key grant of a topic to a liaison of its lead or co-handling department."""

    content_object = models.ForeignKey(Topic, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("topic user permission")


class TopicGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Topic, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("topic group permission")
