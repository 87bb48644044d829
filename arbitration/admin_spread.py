"""Spread runs in the admin, read-only: workers write them (docs/spread.md)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from arbitration.admin_audit import _ReadOnly
from arbitration.models import SpreadPartition, SpreadRun


class SpreadPartitionInline(admin.TabularInline):
    model = SpreadPartition
    fields = ("number", "params", "attempts", "done_at", "result")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SpreadRun)
class SpreadRunAdmin(_ReadOnly):
    list_display = ("number", "kind", "started_at", "finished_at")
    list_filter = ("kind",)
    readonly_fields = ("kind", "params", "started_at", "finished_at", "result")
    inlines = [SpreadPartitionInline]

    @admin.display(description=_("run no."), ordering="pk")
    def number(self, run: SpreadRun) -> int:
        return run.pk
