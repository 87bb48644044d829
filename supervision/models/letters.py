"""Supervision letters: the texts of each kind, drafts a supervisor reviews, and issued letters (GB/T 9704 函)
with their answers."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.history import HistoricalRecords
from arbitration.models import IssuedDocument
from supervision.choices import LetterKind, LetterStatus
from supervision.texts.placeholders import template_errors


class LetterTemplate(models.Model):
    """文书模板: the title and body of one kind of letter, with ${placeholders} the facts fill when it is issued.

    An administrator edits it in the admin; `clean` refuses an unknown placeholder, a stray `$` or a body that
    leaves out what its kind must say (docs/letters.md). An issued letter keeps the text it was issued with.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=LetterKind, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), help_text=_("One paragraph per line. Placeholders are written ${name}."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def clean(self) -> None:
        if self.kind in LetterKind.values:
            errors = template_errors(self.kind, title=self.title or "", body=self.body or "")
            if errors:
                raise ValidationError(errors)


class LetterDraft(models.Model):
    """函稿: a letter prepared by the sweep, the scorecards or a supervisor, waiting to be reviewed and issued.

    A draft has no number: the number is drawn only when a supervisor issues it, so withdrawn drafts
    leave no gap in the sequence.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=LetterKind)
    status = models.CharField(_("status"), max_length=16, choices=LetterStatus, default=LetterStatus.DRAFT)
    department = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("addressed department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_drafts",
    )
    addressee = models.CharField(_("addressee"), max_length=100)
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Blank: the title of the kind's text template.")
    )
    remarks = models.TextField(
        _("additional paragraphs"),
        blank=True,
        help_text=_("The drafter's own words, added to the template's text where it says ${remarks}."),
    )
    case = models.ForeignKey(
        "supervision.SupervisionCase",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafts",
    )
    ticket = models.ForeignKey(
        "arbitration.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scorecard = models.ForeignKey(
        "supervision.Scorecard",
        verbose_name=_("scorecard"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafts",
    )
    referral = models.ForeignKey(
        "supervision.DisciplineReferral",
        verbose_name=_("referral"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafts",
    )
    reason = models.TextField(_("why drafted"), blank=True)
    drafted_at = models.DateTimeField(_("drafted at"), default=timezone.now)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("letter draft")
        verbose_name_plural = _("letter drafts")
        ordering = ["-drafted_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "kind"]),
            # The register's drafts to review, newest first (a keyset page); drafts are few beside the issued.
            models.Index(fields=["-drafted_at", "-id"], condition=Q(status="draft"), name="letterdraft_waiting"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.addressee} ({self.get_status_display()})"


class SupervisionLetter(IssuedDocument):
    """督办文书: an issued 催办通知书, 督办函, 预警函, 约谈通知 or 移送函 — numbered, addressed, due, never re-rendered.

    `data` holds the frozen `LetterData` with the template text and the facts it was filled with; the PDF is built
    from it once, after the issuing transaction commits, so a later edit of the template changes nothing here.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=LetterKind)
    status = models.CharField(_("status"), max_length=16, choices=LetterStatus, default=LetterStatus.ISSUED)
    draft = models.OneToOneField(
        LetterDraft, verbose_name=_("draft"), null=True, blank=True, on_delete=models.PROTECT, related_name="letter"
    )
    department = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("addressed department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_letters",
    )
    addressee = models.CharField(_("addressee"), max_length=100)
    case = models.ForeignKey(
        "supervision.SupervisionCase",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    ticket = models.ForeignKey(
        "arbitration.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_letters",
    )
    scorecard = models.ForeignKey(
        "supervision.Scorecard",
        verbose_name=_("scorecard"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    referral = models.ForeignKey(
        "supervision.DisciplineReferral",
        verbose_name=_("referral"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    response_due_on = models.DateField(_("response due on"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer_text = models.TextField(_("answer"), blank=True)
    history = HistoricalRecords(excluded_fields=["data"])

    class Meta:
        verbose_name = _("supervision letter")
        verbose_name_plural = _("supervision letters")
        ordering = ["-issued_at", "-pk"]
        permissions = [("issue_letter", _("Can issue supervision letters"))]
        indexes = [
            models.Index(fields=["status", "response_due_on"]),  # the register's "overdue"
            models.Index(fields=["department", "status"]),  # the liaison's letters to answer
            # The register newest first, whole or by state (keyset pages, docs/scale.md); "overdue" walks the issued
            # ones newest first and checks the date on each.
            models.Index(fields=["-issued_at", "-id"], name="letter_recent"),
            models.Index(fields=["status", "-issued_at", "-id"], name="letter_status_recent"),
            # The liaison's desk: a department's unanswered letters, the answer due soonest first.
            models.Index(
                fields=["department", "response_due_on", "id"], condition=Q(status="issued"), name="letter_to_answer"
            ),
        ]

    def registration_facts(self) -> dict:
        return super().registration_facts() | {"kind": f"letter_{self.kind}", "kind_name": self.get_kind_display()}

    def build_pdf(self) -> bytes:
        from arbitration.documents.render import LetterData, render_letter

        return render_letter(LetterData.from_dict(self.data))
