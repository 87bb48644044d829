"""The audit trail in the admin: every log model read-only, seals and verifications shown (docs/audit.md).

`enforce_read_only_logs` runs once every app's admin has registered (arbitration's AppConfig.ready: the admin
app comes first in INSTALLED_APPS, and its ready autodiscovers every admin module). Whatever admin class a log
model got (a hand-written one, or the generic one of `_register_the_rest`), it loses add, change and delete. Log
models: the audit tables (history, events, transitions, statements, reads, grant events), seats and every
object-permission model (grants are made by services and recorded as grant events), seals and verifications.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from arbitration.admin_shown import ShownFieldsMixin
from arbitration.audit.grants import object_label, permission_label
from arbitration.audit.mixins import AuditChained
from arbitration.choices import Role
from arbitration.models import AuditSeal, AuditVerification, GrantEvent, Seat
from arbitration.reasons import recorded_reason


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


class _PermissionFilter(admin.SimpleListFilter):
    title = _("permission")
    parameter_name = "permission"

    def lookups(self, request, model_admin):
        recorded = GrantEvent.objects.values_list("permission", flat=True).distinct().order_by("permission")
        return [(permission, permission_label(permission)) for permission in recorded]

    def queryset(self, request, queryset):
        return queryset.filter(permission=self.value()) if self.value() else queryset


@admin.register(GrantEvent)
class GrantEventAdmin(ShownFieldsMixin, _ReadOnly):
    """Permissions, objects, role groups and reasons are stored as keys and message ids: shown in words."""

    shown_fields = {
        "permission": "permission_shown",
        "object_key": "object_shown",
        "group": "group_shown",
        "reason": "reason_shown",
    }

    list_display = ("at", "action", "permission_shown", "object_shown", "user", "group_shown", "actor", "reason_shown")
    list_filter = ("action", _PermissionFilter)
    search_fields = ("object_key",)

    @admin.display(description=_("permission"), ordering="permission")
    def permission_shown(self, event: GrantEvent) -> str:
        return permission_label(event.permission)

    @admin.display(description=_("object"), ordering="object_key")
    def object_shown(self, event: GrantEvent) -> str:
        return object_label(event.object_key)

    @admin.display(description=_("to group"), ordering="group")
    def group_shown(self, event: GrantEvent) -> str:
        return str(Role(event.group).label) if event.group in Role.values else event.group

    @admin.display(description=_("reason"))
    def reason_shown(self, event: GrantEvent) -> str:
        return recorded_reason(event.reason)
