"""The audit trail's own records: seals, verifications, the chainer's per-table counter, and grant events.

See docs/audit.md.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.audit.mixins import AuditChained
from arbitration.history import WHO_COLUMN


class AuditChainHead(models.Model):
    """The last chain_seq given in one audit table: the chainer's counter, read and moved under the table's lock.

    Bookkeeping, not evidence: the verifier never reads it (a `max(chain_seq)` would scan the table each run)."""

    table = models.CharField(_("table"), max_length=128, unique=True)
    last_seq = models.BigIntegerField(_("last chain number"), default=0)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"{self.table}: {self.last_seq}"


class AuditSeal(models.Model):
    """日封存: one value that proves every row chained up to the day's high-water marks (append-only)."""

    day = models.DateField(_("day"), unique=True)
    high_water = models.JSONField(_("high-water marks"), default=dict)  # {table: last chain_seq sealed}
    row_count = models.BigIntegerField(_("rows sealed"), default=0)
    merkle_root = models.CharField(_("Merkle root"), max_length=64)
    previous_hash = models.CharField(_("previous seal"), max_length=64)
    seal_hash = models.CharField(_("seal"), max_length=64)
    sealed_at = models.DateTimeField(_("sealed at"), default=timezone.now)

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.seal_hash[:16]}"


class AuditVerification(models.Model):
    """One run of the verifier: written once, when it ends."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    since = models.DateField(_("since"), null=True, blank=True)
    rows_checked = models.BigIntegerField(_("rows checked"), default=0)
    seals_checked = models.IntegerField(_("seals checked"), default=0)
    ok = models.BooleanField(_("intact"))
    first_failure = models.TextField(_("first failure"), blank=True)

    class Meta:
        verbose_name = _("audit verification")
        verbose_name_plural = _("audit verifications")
        ordering = ["-finished_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M} {'OK' if self.ok else 'BROKEN'}"


class GrantAction(models.TextChoices):
    GRANT = "grant", _("granted")
    REVOKE = "revoke", _("revoked")


class GrantEvent(AuditChained):
    """授权记录: a per-object permission given or taken back (who, what, to whom, on what, when, why).

    Written from the object-permission tables' own save/delete signals, so no path (service, admin, shell) can
    grant without a record; `arbitration.audit.grants.grant_context` names the actor and the reason."""

    action = models.CharField(_("action"), max_length=8, choices=GrantAction)
    permission = models.CharField(_("permission"), max_length=255)  # app_label.codename
    object_key = models.CharField(_("object"), max_length=128)  # app_label.model:pk — the chain
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **WHO_COLUMN,
    )
    group = models.CharField(_("to group"), max_length=150, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **WHO_COLUMN,
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    audit_chain_key = "object_key"

    class Meta:
        verbose_name = _("grant event")
        verbose_name_plural = _("grant events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        from arbitration.audit.grants import object_label, permission_label  # the grants module imports the models

        return f"{self.get_action_display()} {permission_label(self.permission)} {object_label(self.object_key)}"
