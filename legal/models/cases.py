"""Legal cases, their lawyers' grants, conflict declarations, advice and the log of who read them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from arbitration.audit.mixins import AuditChained
from arbitration.history import HistoricalRecords
from arbitration.models.transitions import StatusTransition
from legal.choices import CaseOrigin, CaseStatus, LegalRoute, ReadChannel


class LegalCase(models.Model):
    """法律案件: a ticket on the legal desk, worked by the lawyer the desk lead assigned.

    A ticket has at most one case: a second route to the desk (say a bounce after a dispatcher already
    sent it) finds the case already there.
    """

    ticket = models.OneToOneField(
        "arbitration.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="legal_case"
    )
    origin = models.CharField(_("origin"), max_length=16, choices=CaseOrigin)
    origin_note = models.TextField(_("why it came to the desk"), blank=True)
    bounce = models.ForeignKey(
        "arbitration.Bounce",
        verbose_name=_("bounce"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus, default=CaseStatus.OPEN)
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lawyer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_cases",
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now, db_index=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("legal case")
        verbose_name_plural = _("legal cases")
        ordering = ["-opened_at", "-pk"]
        permissions = [("advise_legalcase", _("Can advise on and hand off a legal case"))]
        indexes = [models.Index(fields=["status", "opened_at"])]

    def __str__(self) -> str:
        return f"{self.ticket.hotline_no} · {self.get_status_display()}"


class LegalCaseUserObjectPermission(UserObjectPermissionBase):
    """A lawyer's grant on one case (TECH.md: direct foreign-key permission rows, not generic ones)."""

    content_object = models.ForeignKey(LegalCase, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("legal case grant to a user")
        verbose_name_plural = _("legal case grants to users")


class LegalCaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(LegalCase, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("legal case grant to a group")
        verbose_name_plural = _("legal case grants to groups")


class LegalCaseTransition(StatusTransition):
    """案件状态变更: one status change of a case (from, to, actor, reason, when)."""

    case = models.ForeignKey(
        LegalCase, verbose_name=_("legal case"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=CaseStatus, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=CaseStatus)

    subject_field = "case"

    class Meta(StatusTransition.Meta):
        verbose_name = _("legal case transition")
        verbose_name_plural = _("legal case transitions")


class ConflictDeclaration(models.Model):
    """利益冲突声明: a lawyer states, before advising on a case, whether they have a conflict of interest."""

    case = models.ForeignKey(
        LegalCase, verbose_name=_("legal case"), on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lawyer"), on_delete=models.PROTECT, related_name="+"
    )
    has_conflict = models.BooleanField(_("has a conflict of interest"))
    statement = models.TextField(_("statement"))
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        ordering = ["declared_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "lawyer"], name="one_declaration_per_lawyer")]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.lawyer}"


class Advice(models.Model):
    """法律意见: a lawyer's logged advice on a case. Edited in place; every version stays in its history."""

    case = models.ForeignKey(LegalCase, verbose_name=_("legal case"), on_delete=models.PROTECT, related_name="advice")
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lawyer"), on_delete=models.PROTECT, related_name="+"
    )
    question = models.CharField(_("question in short"), max_length=255)
    analysis = models.TextField(_("legal analysis"))
    # [{"law": "中华人民共和国劳动合同法", "article": "第三十条"}, …]: structured so they can be counted and cited.
    authorities = models.JSONField(_("laws and articles relied on"), default=list, blank=True)
    route = models.CharField(_("recommended route"), max_length=20, choices=LegalRoute)
    reply_text = models.TextField(_("reply to the citizen"))
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("legal advice")
        verbose_name_plural = _("legal advice")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.question}"


class CaseRead(AuditChained):
    """阅卷记录: someone opened a legal case (legal files are sensitive, so every read is kept).

    An audit row (docs/audit.md): append-only, chained per case."""

    subject_field = "case"

    case = models.ForeignKey(LegalCase, verbose_name=_("legal case"), on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reader"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=ReadChannel)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("case read")
        verbose_name_plural = _("case reads")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.user} · {self.at:%Y-%m-%d %H:%M}"
