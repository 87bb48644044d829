"""Disputes over ownership, their status moves, and the parties' negotiation statements."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.audit.mixins import AuditChained
from arbitration.choices import ACTIVE_DISPUTE_STATUSES, DisputeStatus, DisputeTrigger
from arbitration.history import HistoricalRecords

from .transitions import StatusTransition


class Dispute(models.Model):
    """职责争议: an ownership question that dispatch and bounce review could not settle.

    While it is argued the ticket is still handled under the existing division of duties: the
    provisional handler keeps it moving (docs/domain.md §2).
    """

    ticket = models.ForeignKey(
        "arbitration.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="disputes"
    )
    status = models.CharField(_("status"), max_length=24, choices=DisputeStatus, default=DisputeStatus.OPEN)
    trigger = models.CharField(_("opened because"), max_length=16, choices=DisputeTrigger)
    parties = models.ManyToManyField("arbitration.Department", verbose_name=_("parties"), related_name="disputes")
    provisional_handler = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("provisional handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="provisional_disputes",
    )
    deadline = models.DateTimeField(_("negotiation deadline"), db_index=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The agreement reached in negotiation (协商工作纪要), when there is one.
    agreed_lead = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("agreed lead"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agreed_co_handlers = models.ManyToManyField(
        "arbitration.Department", verbose_name=_("agreed co-handlers"), blank=True, related_name="+"
    )
    agreement_minutes = models.TextField(_("agreement minutes"), blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[parties])

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-opened_at", "-pk"]
        permissions = [("move_dispute", _("Can move a dispute to its next stage"))]
        constraints = [
            # One live dispute per ticket: a second trigger joins the first instead of opening another.
            models.UniqueConstraint(
                fields=["ticket"],
                condition=models.Q(status__in=ACTIVE_DISPUTE_STATUSES),
                name="one_active_dispute_per_ticket",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["-opened_at", "-id"], name="dispute_recent"),  # the dispute list's key
        ]

    def __str__(self) -> str:
        return _("Dispute #{pk} on {ticket}").format(pk=self.pk, ticket=self.ticket.hotline_no)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_DISPUTE_STATUSES


class DisputeTransition(StatusTransition):
    """争议流转记录: one status change of a dispute (from, to, actor, reason, when)."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.PROTECT, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=24, choices=DisputeStatus, blank=True)
    to_status = models.CharField(_("to"), max_length=24, choices=DisputeStatus)

    subject_field = "dispute"

    class Meta(StatusTransition.Meta):
        verbose_name = _("dispute transition")
        verbose_name_plural = _("dispute transitions")


class DisputeStatement(AuditChained):
    """协商意见: a party's statement in negotiation (or a recused member's at the conference), with its basis.

    An audit row (docs/audit.md): append-only, chained per dispute."""

    subject_field = "dispute"

    dispute = models.ForeignKey(Dispute, verbose_name=_("dispute"), on_delete=models.PROTECT, related_name="statements")
    department = models.ForeignKey(
        "arbitration.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("statement"))
    basis = models.TextField(_("basis"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dispute statement")
        verbose_name_plural = _("dispute statements")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.department}: {self.text[:30]}"
