"""Rulings of the joint conference, city leaders' decisions, and departments' refusals of either.

Both documents are snapshots (STYLE.md §4): `data` holds the frozen minutes, `pdf` the file rendered from
it once; neither is rendered again, whatever is edited later.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.choices import AssignmentMethod, DutySource, RulingScope
from arbitration.history import HistoricalRecords
from arbitration.models.documents import IssuedDocument


class OwnershipDecision(IssuedDocument):
    """What rulings, leader decisions and agreements share: who owns what, for which tickets, and why.

    Each concrete kind says which duty source its precedents carry, by which method its re-dispatches go and
    under which document kind it is numbered.
    """

    duty_source: str
    assignment_method: str
    document_kind: str

    dispute = models.ForeignKey(
        "arbitration.Dispute", verbose_name=_("dispute"), on_delete=models.PROTECT, related_name="%(class)ss"
    )
    ticket = models.ForeignKey(
        "arbitration.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="%(class)ss"
    )
    scope = models.CharField(_("scope"), max_length=20, choices=RulingScope)
    matter = models.ForeignKey(
        "arbitration.Matter", verbose_name=_("matter"), on_delete=models.PROTECT, related_name="%(class)ss"
    )
    territory = models.ForeignKey(
        "arbitration.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        help_text=_("The territory the decision covers (the city for city-wide scope)."),
    )
    lead = models.ForeignKey(
        "arbitration.Department", verbose_name=_("lead"), on_delete=models.PROTECT, related_name="%(class)ss_led"
    )
    co_handlers = models.ManyToManyField(
        "arbitration.Department", verbose_name=_("co-handlers"), blank=True, related_name="%(class)ss_co_handled"
    )
    reasons = models.TextField(_("reasons"))
    basis = models.TextField(_("basis"))
    in_force = models.BooleanField(
        _("in force"), default=True, help_text=_("False once a city leader's decision on the same dispute replaces it.")
    )
    backlog_applied_at = models.DateTimeField(
        _("backlog applied at"),
        null=True,
        blank=True,
        help_text=_("When the open tickets already in the scope were re-dispatched to the owner decided on."),
    )

    class Meta:
        abstract = True
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.document_number

    @property
    def co_handler_names(self) -> list[str]:
        return [department.name for department in self.co_handlers.all()]

    def registration_facts(self) -> dict:
        """Minutes have no addressee line: the register names the lead department the decision binds."""
        return super().registration_facts() | {"kind": self.document_kind, "addressee": self.lead.name}

    def build_pdf(self) -> bytes:
        from arbitration.documents.render import MinutesData, render_minutes

        return render_minutes(MinutesData.from_dict(self.data))


class Ruling(OwnershipDecision):
    """认定书: the joint conference's binding ruling on ownership; also a precedent for its scope."""

    agenda_item = models.OneToOneField(
        "arbitration.AgendaItem", verbose_name=_("agenda item"), on_delete=models.PROTECT, related_name="ruling"
    )
    duty_source, assignment_method, document_kind = DutySource.RULING, AssignmentMethod.CONFERENCE_RULING, "ruling"
    history = HistoricalRecords(m2m_fields=["co_handlers"])

    class Meta(OwnershipDecision.Meta):
        verbose_name = _("ruling")
        verbose_name_plural = _("rulings")
        indexes = [
            models.Index(fields=["matter", "scope", "in_force"]),
            models.Index(fields=["-issued_at", "-id"], name="ruling_recent"),  # the list's key
        ]


class LeaderDecision(OwnershipDecision):
    """领导签批: a city leader's final decision on a deadlock or a refused ruling; also a precedent."""

    ruling = models.ForeignKey(
        Ruling,
        verbose_name=_("refused ruling"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leader_decisions",
    )
    duty_source, assignment_method = DutySource.LEADER_DECISION, AssignmentMethod.LEADER_DECISION
    document_kind = "leader_decision"
    history = HistoricalRecords(m2m_fields=["co_handlers"])

    class Meta(OwnershipDecision.Meta):
        verbose_name = _("leader decision")
        verbose_name_plural = _("leader decisions")
        indexes = [
            models.Index(fields=["matter", "scope", "in_force"]),
            models.Index(fields=["-issued_at", "-id"], name="leaderdecision_recent"),  # the list's key
        ]


class Agreement(OwnershipDecision):
    """协商纪要: the minutes of a negotiation that ended in agreement (协商一致). It settles its dispute and, where
    the parties agreed to it, is a precedent for its scope like a ruling (docs/rulings.md)."""

    minutes = models.TextField(_("what was agreed"))
    duty_source, assignment_method, document_kind = DutySource.AGREEMENT, AssignmentMethod.AGREEMENT, "agreement"
    history = HistoricalRecords(m2m_fields=["co_handlers"])

    class Meta(OwnershipDecision.Meta):
        verbose_name = _("agreement minutes")
        verbose_name_plural = _("agreement minutes")
        indexes = [
            models.Index(fields=["matter", "scope", "in_force"]),
            models.Index(fields=["-issued_at", "-id"], name="agreement_recent"),  # the list's key
        ]


class DecisionRefusal(models.Model):
    """拒不执行: a department declares it refuses a ruling (→ the leader's queue) or a leader decision
    (→ supervision, through the `leader_decision_refused` signal)."""

    ruling = models.ForeignKey(
        Ruling, verbose_name=_("ruling"), null=True, blank=True, on_delete=models.PROTECT, related_name="refusals"
    )
    leader_decision = models.ForeignKey(
        LeaderDecision,
        verbose_name=_("leader decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refusals",
    )
    department = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="decision_refusals",
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("declared by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("refusal of a decision")
        verbose_name_plural = _("refusals of decisions")
        ordering = ["-declared_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ruling__isnull=True) ^ Q(leader_decision__isnull=True),
                name="refusal_of_exactly_one_decision",
            ),
            models.UniqueConstraint(fields=["ruling", "department"], name="one_refusal_per_ruling"),
            models.UniqueConstraint(fields=["leader_decision", "department"], name="one_refusal_per_decision"),
        ]

    def __str__(self) -> str:
        return f"{self.department}: {self.ruling or self.leader_decision}"

    @property
    def decision(self):
        return self.ruling or self.leader_decision
