"""Hand-offs (移送/分流): the bodies a case can go to, the hand-off letters, and the procuratorate referral."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.documents.render import LetterData, render_letter
from arbitration.history import HistoricalRecords
from arbitration.models.documents import IssuedDocument
from legal.choices import BodyKind, HandoffStatus


class HandoffBody(models.Model):
    """分流机构: a body a legal case can be handed to (court, arbitration commission, mediation centre…)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=BodyKind)
    address = models.CharField(_("address"), max_length=255, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hand-off body")
        verbose_name_plural = _("hand-off bodies")
        ordering = ["ordering", "name"]

    def __str__(self) -> str:
        return self.name


class Handoff(IssuedDocument):
    """移送/分流: a legal case handed to a body with a numbered hand-off letter (移送函), its receipt and outcome.

    The letter is a snapshot: `data` holds what was printed and the PDF is never re-rendered differently.
    """

    case = models.ForeignKey(
        "legal.LegalCase", verbose_name=_("legal case"), on_delete=models.PROTECT, related_name="handoffs"
    )
    body = models.ForeignKey(HandoffBody, verbose_name=_("body"), on_delete=models.PROTECT, related_name="handoffs")
    summary = models.TextField(_("summary of the matter"))
    # The letter prints the citizen's contact details only with one of these (docs/personal-data.md).
    contact_consent = models.BooleanField(
        _("citizen consents to passing on their contact details"),
        default=False,
        help_text=_("Recorded by the lawyer: the citizen agreed that this body may receive their name and phone."),
    )
    contact_legal_basis = models.CharField(
        _("legal basis for passing on the contact details"),
        max_length=255,
        blank=True,
        help_text=_("The provision that requires or allows passing them on without consent."),
    )
    contact_disclosed = models.BooleanField(
        _("contact details on the letter"), default=False, help_text=_("As printed when the letter was issued.")
    )
    status = models.CharField(_("status"), max_length=12, choices=HandoffStatus, default=HandoffStatus.ISSUED)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    receipt_note = models.TextField(_("receipt"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["data"])

    class Meta:
        verbose_name = _("hand-off")
        verbose_name_plural = _("hand-offs")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.document_number} → {self.body}"

    def build_pdf(self) -> bytes:
        return render_letter(LetterData.from_dict(self.data))


class ProcuratorateReferral(IssuedDocument):
    """线索移送函: a public-interest lead handed to the procuratorate at the same level, and its receipt."""

    lead = models.OneToOneField(
        "legal.PublicInterestLead", verbose_name=_("lead"), on_delete=models.PROTECT, related_name="referral"
    )
    procuratorate = models.CharField(_("procuratorate"), max_length=100)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receipt_note = models.TextField(_("receipt"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["data"])

    class Meta:
        verbose_name = _("procuratorate referral")
        verbose_name_plural = _("procuratorate referrals")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.document_number} → {self.procuratorate}"

    def build_pdf(self) -> bytes:
        return render_letter(LetterData.from_dict(self.data))
