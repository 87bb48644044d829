"""Bounces: a department returning an assignment as not its own, and the dispatcher's review of it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.choices import BounceOutcome
from arbitration.history import HistoricalRecords


class BounceReason(models.Model):
    """退单理由: an entry of the editable list of reasons a department may give for a bounce."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    settled_by_ruling = models.BooleanField(
        _("settled by a ruling"),
        default=True,
        help_text=_(
            "An ownership ground: once a ruling or leader decision gives a ticket to a department, "
            "it may no longer bounce such tickets on this ground."
        ),
    )
    routes_to_legal_desk = models.BooleanField(
        _("routes to the legal desk"),
        default=False,
        help_text=_("Bounces on this ground are shown to the legal desk (e.g. the matter is in litigation)."),
    )
    # Checked against the catalogue (docs/bounces.md).
    denies_duty = models.BooleanField(
        _("denies the duty"),
        default=False,
        help_text=_(
            "The department says the matter is not its duty: when the catalogue or a precedent names it the lead "
            "here, the bounce must cite the document that says otherwise."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bounce reason")
        verbose_name_plural = _("bounce reasons")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return self.name


class Bounce(models.Model):
    """退单: a department returns its assignment of a ticket as not its duty, with reason and basis.

    One bounce per assignment (a constraint, not only a check): the department's clock keeps running
    until a dispatcher upholds it and re-dispatches.
    """

    ticket = models.ForeignKey(
        "arbitration.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="bounces"
    )
    assignment = models.OneToOneField(
        "arbitration.Assignment", verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="bounce"
    )
    department = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("bouncing department"),
        on_delete=models.PROTECT,
        related_name="bounces",
    )
    proposed_department = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("proposed owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bounces_proposed",
    )
    reason = models.ForeignKey(BounceReason, verbose_name=_("reason"), on_delete=models.PROTECT, related_name="bounces")
    explanation = models.TextField(_("explanation"))
    basis = models.TextField(_("basis"), help_text=_("三定 clause, duty-list item or regulation relied on."))
    # What the catalogue said when the bounce was made (a snapshot: later catalogue edits do not rewrite it).
    catalogue_names_department = models.BooleanField(
        _("the catalogue names the department as lead"),
        default=False,
        help_text=_("When bounced, the duty catalogue or a precedent made this department the lead here."),
    )
    catalogue_reference = models.CharField(
        _("catalogue entry"),
        max_length=255,
        blank=True,
        help_text=_("The entry's legal basis, or the precedent's document number."),
    )
    basis_document = models.CharField(
        _("document cited against the catalogue"),
        max_length=255,
        blank=True,
        help_text=_("The document (number and title) that says the matter is not this department's duty."),
    )
    created_at = models.DateTimeField(_("bounced at"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("bounced by"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("review outcome"), max_length=16, choices=BounceOutcome, default=BounceOutcome.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bounce")
        verbose_name_plural = _("bounces")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["outcome", "created_at"]),  # the review queue
            models.Index(fields=["department", "outcome"]),  # unreasonable bounces per department
            models.Index(fields=["ticket", "created_at"]),
            # A liaison's list of their departments' bounces, newest first.
            models.Index(fields=["department", "-created_at", "-id"], name="bounce_department_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.hotline_no} ← {self.department} ({self.reason})"
