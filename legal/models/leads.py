"""Public-interest domains, screening runs, leads and the procuratorate's feedback on them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from arbitration.history import HistoricalRecords
from arbitration.models.transitions import StatusTransition
from legal.choices import DomainTier, FeedbackKind, LeadBasis, LeadStatus, ScreeningTrigger


class PublicInterestDomain(models.Model):
    """公益诉讼领域: a statutory domain of public-interest litigation ("4+11+N"), with its legal basis.

    Editable and versioned (history): a new law adds a row or changes a basis without a release. Screening
    uses the domains in force on the day a ticket was received.
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    tier = models.CharField(_("tier"), max_length=12, choices=DomainTier)
    legal_basis = models.TextField(_("legal basis"))
    effective_from = models.DateField(
        _("effective from"), null=True, blank=True, help_text=_("Empty while the basis is only a draft.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    matters = models.ManyToManyField(
        "arbitration.Matter",
        verbose_name=_("mapped matters"),
        blank=True,
        related_name="public_interest_domains",
        help_text=_("Matters (with their sub-matters) whose tickets fall in this domain."),
    )
    matter_keywords = models.CharField(
        _("matter keywords"),
        max_length=255,
        blank=True,
        help_text=_("Comma-separated words; a matter whose name contains one falls in this domain."),
    )
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)
    history = HistoricalRecords(m2m_fields=[matters])

    class Meta:
        verbose_name = _("public-interest domain")
        verbose_name_plural = _("public-interest domains")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def keywords(self) -> list[str]:
        return [word.strip() for word in self.matter_keywords.replace("，", ",").split(",") if word.strip()]


class ScreeningRun(models.Model):
    """线索筛查: one pass of screening over the tickets received in a period."""

    period_start = models.DateTimeField(_("period start"))
    period_end = models.DateTimeField(_("period end"))
    trigger = models.CharField(_("trigger"), max_length=12, choices=ScreeningTrigger)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tickets_screened = models.PositiveIntegerField(_("tickets screened"), default=0)
    leads_proposed = models.PositiveIntegerField(_("leads proposed"), default=0)

    class Meta:
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d} ({self.leads_proposed})"


class PublicInterestLead(models.Model):
    """公益诉讼线索: a pattern of tickets that may ground a procuratorate's public-interest case."""

    domain = models.ForeignKey(
        PublicInterestDomain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="leads"
    )
    basis = models.CharField(_("found by"), max_length=12, choices=LeadBasis)
    # What made these tickets one lead, e.g. "place:370802001001:滨河路88号" or "party:明州化工有限公司".
    cluster_key = models.CharField(_("cluster key"), max_length=255, blank=True)
    tickets = models.ManyToManyField(
        "arbitration.Ticket", verbose_name=_("source tickets"), related_name="public_interest_leads"
    )
    screening_run = models.ForeignKey(
        ScreeningRun,
        verbose_name=_("screening run"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    status = models.CharField(_("status"), max_length=24, choices=LeadStatus, default=LeadStatus.PROPOSED)
    title = models.CharField(_("title"), max_length=200)
    territory = models.ForeignKey(
        "arbitration.Territory",
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    parties = models.TextField(_("bodies and parties involved"), blank=True)
    harm_facts = models.TextField(_("facts of harm"), blank=True)
    harm_continuing = models.BooleanField(_("harm continues"), default=True)
    department_actions = models.TextField(_("what departments did and answered"), blank=True)
    evidence = models.JSONField(_("evidence list"), default=list, blank=True)
    consent = models.BooleanField(
        _("citizens consent to disclosure"),
        default=False,
        help_text=_("Without consent, the citizens' personal data is masked in the package."),
    )
    confidential = models.BooleanField(_("confidential"), default=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    decision_reason = models.TextField(_("reason for accepting or dismissing"), blank=True)
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now, db_index=True)
    history = HistoricalRecords(m2m_fields=[tickets])

    class Meta:
        verbose_name = _("public-interest lead")
        verbose_name_plural = _("public-interest leads")
        ordering = ["-proposed_at", "-pk"]
        permissions = [("record_feedback_publicinterestlead", _("Can record the procuratorate's feedback on a lead"))]
        indexes = [models.Index(fields=["status", "proposed_at"]), models.Index(fields=["cluster_key"])]

    def __str__(self) -> str:
        return self.title


class PublicInterestLeadUserObjectPermission(UserObjectPermissionBase):
    """A procuratorate liaison's grant on one handed lead (direct foreign-key permission rows)."""

    content_object = models.ForeignKey(PublicInterestLead, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("lead grant to a user")
        verbose_name_plural = _("lead grants to users")


class PublicInterestLeadGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(PublicInterestLead, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("lead grant to a group")
        verbose_name_plural = _("lead grants to groups")


class LeadTransition(StatusTransition):
    """线索状态变更: one status change of a lead (from, to, actor, reason, when)."""

    lead = models.ForeignKey(
        PublicInterestLead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=24, choices=LeadStatus, blank=True)
    to_status = models.CharField(_("to"), max_length=24, choices=LeadStatus)

    subject_field = "lead"

    class Meta(StatusTransition.Meta):
        verbose_name = _("lead transition")
        verbose_name_plural = _("lead transitions")


class LeadFeedback(models.Model):
    """检察反馈: what the procuratorate reports back on a lead it received."""

    lead = models.ForeignKey(
        PublicInterestLead, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="feedback"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=FeedbackKind)
    note = models.TextField(_("note"), blank=True)
    declined_reason = models.TextField(_("reason for declining"), blank=True)
    recommendation_to = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("recommendation addressed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recommendation_issued_on = models.DateField(_("recommendation issued on"), null=True, blank=True)
    # The body must answer a recommendation in writing within 2 months (docs/domain.md §6), computed when recorded.
    answer_due_on = models.DateField(_("written answer due on"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("procuratorate feedback")
        verbose_name_plural = _("procuratorate feedback")
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.lead_id} · {self.get_kind_display()}"
