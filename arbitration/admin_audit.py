"""The audit trail in the admin: every log model read-only, seals and verifications shown (docs/audit.md).

`enforce_read_only_logs` runs once every app's admin has registered (arbitration's AppConfig.ready: the admin
app comes first in INSTALLED_APPS, and its ready autodiscovers every admin module). Whatever admin class a log
model got (a hand-written one, or the generic one of `_register_the_rest`), it loses add, change and delete. Log
models: the audit tables (history, events, transitions, statements, reads, grant events), seats and every
object-permission model (grants are made by services and recorded as grant events), seals and verifications.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from arbitration.audit.mixins import AuditChained
from arbitration.models import AuditSeal, AuditVerification, GrantEvent, Seat


def _no(self, request, obj=None) -> bool:
    return False


def is_log_model(model) -> bool:
    from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

    return issubclass(
        model,
        AuditChained | AuditSeal | AuditVerification | Seat | UserObjectPermissionBase | GroupObjectPermissionBase,
    )


def enforce_read_only_logs(site: admin.AdminSite = admin.site) -> list[str]:
    """Strip add/change/delete from the admin of every log model and of the log inlines. Returns the labels."""
    done = []
    for model, model_admin in site._registry.items():
        if is_log_model(model):
            for name in ("has_add_permission", "has_change_permission", "has_delete_permission"):
                setattr(model_admin, name, _no.__get__(model_admin))
            done.append(model._meta.label)
        for inline in getattr(model_admin, "inlines", ()):
            if is_log_model(inline.model):
                inline.can_delete = False
                for name in ("has_add_permission", "has_change_permission", "has_delete_permission"):
                    setattr(inline, name, _no)
    return done


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditSeal)
class AuditSealAdmin(_ReadOnly):
    list_display = ("day", "row_count", "merkle_root", "seal_hash", "sealed_at")
    date_hierarchy = "day"

    def changelist_view(self, request, extra_context=None):
        last = AuditVerification.objects.order_by("-finished_at", "-pk").first()
        if last is None:
            self.message_user(request, _("The audit trail has not been verified yet."), messages.WARNING)
        elif last.ok:
            self.message_user(
                request,
                _("Last verification %(at)s: intact (%(rows)d rows).")
                % {"at": f"{last.finished_at:%Y-%m-%d %H:%M}", "rows": last.rows_checked},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _("Last verification %(at)s: BROKEN — %(failure)s")
                % {"at": f"{last.finished_at:%Y-%m-%d %H:%M}", "failure": last.first_failure},
                messages.ERROR,
            )
        return super().changelist_view(request, extra_context)


@admin.register(AuditVerification)
class AuditVerificationAdmin(_ReadOnly):
    list_display = ("finished_at", "ok", "rows_checked", "seals_checked", "since", "first_failure")
    list_filter = ("ok",)


@admin.register(GrantEvent)
class GrantEventAdmin(_ReadOnly):
    list_display = ("at", "action", "permission", "object_key", "user", "group", "actor", "reason")
    list_filter = ("action", "permission")
    search_fields = ("object_key",)
