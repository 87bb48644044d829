"""API keys of systems (the hotline platform): stored hashed, named, scoped, expiring (docs/hardening.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.history import HistoricalRecords


class ApiKeyScope(models.TextChoices):
    INTAKE = "intake", _("Intake only (tickets and their events in)")
    READ = "read", _("Read only")
    FULL = "full", _("Everything its account may do")


class ApiKey(models.Model):
    """接口密钥: a system's credential. Only a hash of the secret is stored; the secret is shown once."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(_("secret hash"), max_length=64, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_keys", verbose_name=_("acts as")
    )
    scope = models.CharField(_("scope"), max_length=16, choices=ApiKeyScope, default=ApiKeyScope.READ)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.expires_at > at
