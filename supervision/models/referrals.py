"""Discipline referrals (移送纪委监委): proposals by rule or by hand, the dossier, and the liaison's grant."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from arbitration.history import HistoricalRecords
from arbitration.models.transitions import StatusTransition
from supervision.choices import ReferralStatus, ReferralTrigger


def dossier_upload_to(referral: "DisciplineReferral", filename: str) -> str:
    return f"supervision/dossiers/{timezone.localdate():%Y}/{filename}"


class DisciplineReferral(models.Model):
    """移送纪委监委: a ticket whose handling points to officials' inaction, sent with its dossier (卷宗).

    When the ticket belongs to a problem, the referral is about the problem and its dossier covers every
    ticket of it (docs/supervision.md, "Dossier"). The dossier is a snapshot made when the referral is sent:
    `dossier_data` and `dossier_pdf` are never rebuilt. The discipline liaison sees a referral only through a
    guardian grant on it.
    """

    ticket = models.ForeignKey(
        "arbitration.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="discipline_referrals"
    )
    problem = models.ForeignKey(
        "supervision.Problem",
        verbose_name=_("problem"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text=_("The problem the ticket belongs to: the dossier then covers all its tickets."),
    )
    departments = models.ManyToManyField(
        "arbitration.Department",
        verbose_name=_("departments concerned"),
        blank=True,
        related_name="discipline_referrals",
    )
    trigger = models.CharField(_("trigger"), max_length=24, choices=ReferralTrigger)
    status = models.CharField(_("status"), max_length=16, choices=ReferralStatus, default=ReferralStatus.PROPOSED)
    reason = models.TextField(_("reason"))
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("discipline liaison"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discipline_referrals",
    )
    dossier_data = models.JSONField(_("dossier snapshot"), default=dict, blank=True)
    dossier_pdf = models.FileField(_("dossier PDF"), upload_to=dossier_upload_to, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["dossier_data"])

    class Meta:
        verbose_name = _("discipline referral")
        verbose_name_plural = _("discipline referrals")
        ordering = ["-proposed_at", "-pk"]
        permissions = [
            ("refer_case", _("Can propose and send discipline referrals")),
            ("record_referral", _("Can record receipt, review and outcome of a referral")),
        ]
        constraints = [
            # A rule proposes a ticket once per reason; a supervisor may still refer by hand.
            models.UniqueConstraint(
                fields=["ticket", "trigger"],
                condition=~Q(trigger="manual"),
                name="one_rule_referral_per_ticket_and_trigger",
            ),
            # A problem keeps growing (its latest ticket changes): a rule proposes it once all the same.
            models.UniqueConstraint(
                fields=["problem", "trigger"],
                condition=~Q(trigger="manual") & Q(problem__isnull=False),
                name="one_rule_referral_per_problem_and_trigger",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "sent_at"]),
            models.Index(fields=["-proposed_at", "-id"], name="referral_recent"),  # the list's keyset order
        ]

    def __str__(self) -> str:
        return f"{self.ticket.hotline_no} → 纪委监委 ({self.get_status_display()})"


class ReferralEvent(StatusTransition):
    """移送记录: each status move of a referral (from, to, actor, reason, when)."""

    referral = models.ForeignKey(
        DisciplineReferral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=ReferralStatus, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=ReferralStatus)

    subject_field = "referral"

    class Meta(StatusTransition.Meta):
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")


class ReferralUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key grant of a referral to a user: no generic object-permission rows, which scale badly."""

    content_object = models.ForeignKey(DisciplineReferral, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("referral user permission")


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(DisciplineReferral, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("referral group permission")
