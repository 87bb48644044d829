"""Catalogue reform from the record: proposals to revise the duty catalogue, and reorganisations (机构改革) that
merge, split or rename departments (docs/catalogue-reform.md). Both write the catalogue only through
`services.catalogue` (one revision mechanism)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.choices import (
    DutyRole,
    ProposalAction,
    ProposalOrigin,
    ProposalStatus,
    ReorganisationKind,
    ReorganisationStatus,
)
from arbitration.history import HistoricalRecords

from .transitions import StatusTransition


class CatalogueProposal(models.Model):
    """职责目录修订建议: duty rows to add, end or change, with the evidence from the record, for the catalogue
    administrator to approve with an effective date."""

    title = models.CharField(_("title"), max_length=200)
    origin = models.CharField(_("drafted from"), max_length=16, choices=ProposalOrigin)
    origin_reference = models.CharField(
        _("origin reference"),
        max_length=200,
        blank=True,
        help_text=_("The ruling's number, the overlap or gap, or the monthly topic it came from."),
    )
    ruling = models.ForeignKey(
        "arbitration.Ruling",
        verbose_name=_("ruling"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="catalogue_proposals",
    )
    rationale = models.TextField(_("rationale"))
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ProposalStatus, default=ProposalStatus.PROPOSED)
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
    effective_at = models.DateTimeField(_("effective from"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("catalogue reform proposal")
        verbose_name_plural = _("catalogue reform proposals")
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["-proposed_at", "-id"], name="proposal_recent")]  # the list's key
        permissions = [("decide_catalogueproposal", _("Can approve or reject catalogue reform proposals"))]

    def __str__(self) -> str:
        return self.title


class ProposalChange(models.Model):
    """修订条目: one duty row to add, end or change. For a change, an empty field keeps the duty's value."""

    proposal = models.ForeignKey(
        CatalogueProposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="changes"
    )
    action = models.CharField(_("action"), max_length=8, choices=ProposalAction)
    duty = models.ForeignKey(
        "arbitration.Duty",
        verbose_name=_("duty"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposal_changes",
        help_text=_("The duty to end or change."),
    )
    department = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    matter = models.ForeignKey(
        "arbitration.Matter",
        verbose_name=_("matter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    territory = models.ForeignKey(
        "arbitration.Territory",
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=16, choices=DutyRole, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    resulting_duty = models.ForeignKey(
        "arbitration.Duty",
        verbose_name=_("resulting duty"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The duty row the approval opened (add, change) or closed (end)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposed duty change")
        verbose_name_plural = _("proposed duty changes")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action=ProposalAction.ADD, duty__isnull=True)
                | (~Q(action=ProposalAction.ADD) & Q(duty__isnull=False)),
                name="proposal_change_names_its_duty",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.duty_id or ''}"


class ProposalTransition(StatusTransition):
    """修订建议流转记录: each status move of a proposal."""

    proposal = models.ForeignKey(
        CatalogueProposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=ProposalStatus, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=ProposalStatus)

    subject_field = "proposal"

    class Meta(StatusTransition.Meta):
        verbose_name = _("proposal event")
        verbose_name_plural = _("proposal events")


class Reorganisation(models.Model):
    """机构改革: departments merged, split or renamed with an effective date. Its moves say which department's
    duties, open tickets, precedents and people go where; the impact report is computed on the graph before
    approval and kept beside what carrying it out then did."""

    kind = models.CharField(_("kind"), max_length=8, choices=ReorganisationKind)
    title = models.CharField(_("title"), max_length=200)
    basis = models.TextField(_("basis"), help_text=_("The document that orders it (e.g. the 三定 plan)."))
    effective_at = models.DateTimeField(_("effective from"))
    new_name = models.CharField(_("new name"), max_length=100, blank=True, help_text=_("For a renaming."))
    status = models.CharField(
        _("status"), max_length=16, choices=ReorganisationStatus, default=ReorganisationStatus.PLANNED
    )
    impact = models.JSONField(_("impact report"), default=dict, blank=True)
    result = models.JSONField(_("what was done"), default=dict, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("planned by"), on_delete=models.PROTECT, related_name="+"
    )
    planned_at = models.DateTimeField(_("planned at"), default=timezone.now)
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["impact", "result"])

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["-effective_at", "-pk"]
        indexes = [models.Index(fields=["-effective_at", "-id"], name="reorganisation_recent")]  # the list's key

    def __str__(self) -> str:
        return self.title


class ReorganisationMove(models.Model):
    """机构改革事项: what goes from one department to another — all of it, or one matter family (a split)."""

    reorganisation = models.ForeignKey(
        Reorganisation, verbose_name=_("reorganisation"), on_delete=models.CASCADE, related_name="moves"
    )
    from_department = models.ForeignKey(
        "arbitration.Department", verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_department = models.ForeignKey(
        "arbitration.Department", verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    matter = models.ForeignKey(
        "arbitration.Matter",
        verbose_name=_("matter family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: everything the department holds that no other move of this split names."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reorganisation move")
        verbose_name_plural = _("reorganisation moves")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.from_department} → {self.to_department}"


class ReorganisationTransition(StatusTransition):
    """机构改革流转记录: each status move of a reorganisation."""

    reorganisation = models.ForeignKey(
        Reorganisation, verbose_name=_("reorganisation"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=ReorganisationStatus, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=ReorganisationStatus)

    subject_field = "reorganisation"

    class Meta(StatusTransition.Meta):
        verbose_name = _("reorganisation event")
        verbose_name_plural = _("reorganisation events")
