"""The admin of API keys (docs/hardening.md): issue (the key is shown once), rotate and revoke; never edit a hash."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from arbitration.models.api_keys import ApiKey
from arbitration.services.api_keys import api_key_issue, api_key_revoke, api_key_rotate


class ApiKeyIssueForm(forms.ModelForm):
    days = forms.IntegerField(label=_("valid for (days)"), min_value=1, max_value=3660,
                              initial=lambda: settings.MINGZE_API_KEY_DAYS)  # fmt: skip

    class Meta:
        model = ApiKey
        fields = ["name", "user", "scope"]


@admin.register(ApiKey)
class ApiKeyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "prefix", "user", "scope", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["scope"]
    search_fields = ["name", "prefix"]
    actions = ["rotate", "revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyIssueForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["name", "prefix", "user", "scope", "created_at", "expires_at", "revoked_at", "last_used_at"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return  # a key is never edited: rotate or revoke it
        key, text = api_key_issue(name=obj.name, user=obj.user, scope=obj.scope, days=form.cleaned_data["days"],
                                  actor=request.user)  # fmt: skip
        for field in ApiKey._meta.concrete_fields:  # the admin goes on with `obj` (its log entry, its redirect)
            setattr(obj, field.attname, getattr(key, field.attname))
        obj._state.adding = False
        messages.warning(request, _("The key, shown this once: %(key)s") % {"key": text})

    @admin.action(description=_("Rotate the selected keys (the old ones keep working for the grace period)"))
    def rotate(self, request, queryset) -> None:
        for key in queryset.filter(revoked_at=None):
            grace = settings.MINGZE_API_KEY_ROTATION_GRACE_HOURS
            _new, text = api_key_rotate(name=key.name, days=settings.MINGZE_API_KEY_DAYS, grace_hours=grace,
                                        actor=request.user)  # fmt: skip
            messages.warning(
                request, _("New key for %(name)s, shown this once: %(key)s") % {"name": key.name, "key": text}
            )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset) -> None:
        for key in queryset.filter(revoked_at=None):
            api_key_revoke(name=key.name, actor=request.user)
