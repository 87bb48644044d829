"""Admin for supervision: the ladder rules are edited here; records are read-only views of what services wrote."""

from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from supervision.models import (
    CaseEvent,
    DisciplineReferral,
    LadderRule,
    LetterDraft,
    Problem,
    ProblemTicket,
    Reminder,
    Scorecard,
    SupervisionCase,
    SupervisionLetter,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Records written by services: shown, never edited here (edits would skip the domain rows)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LadderRule)
class LadderRuleAdmin(SimpleHistoryAdmin):
    list_display = ["tier", "response_working_days", "letter_kind"]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "from_tier", "to_tier", "actor", "reason", "at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SupervisionCase)
class SupervisionCaseAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "trigger", "tier", "status", "problem", "opened_at", "step_due_at"]
    list_filter = ["status", "tier", "trigger"]
    search_fields = ["ticket__hotline_no", "department__name"]
    raw_id_fields = ["ticket", "problem"]
    inlines = [CaseEventInline]


class ProblemTicketInline(admin.TabularInline):
    model = ProblemTicket
    extra = 0
    can_delete = False
    readonly_fields = ["ticket", "rule", "joined_at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    """Problems are grouped by the sweep (docs/supervision.md); the admin shows them and their tickets."""

    list_display = ["__str__", "opened_at", "merged_into"]
    search_fields = ["memberships__ticket__hotline_no"]
    inlines = [ProblemTicketInline]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["case", "department", "step", "status", "queued_at", "sent_at"]
    list_filter = ["status"]


@admin.register(LetterDraft)
class LetterDraftAdmin(ReadOnlyAdmin):
    list_display = ["kind", "addressee", "status", "drafted_at"]
    list_filter = ["status", "kind"]


@admin.register(SupervisionLetter)
class SupervisionLetterAdmin(ReadOnlyAdmin):
    list_display = ["document_number", "kind", "addressee", "status", "issued_at", "response_due_on", "render_status"]
    list_filter = ["status", "kind", "render_status"]
    search_fields = ["document_number", "addressee"]


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin):
    list_display = ["department", "period_kind", "period_start", "group", "service_index", "rank", "in_bottom"]
    list_filter = ["period_kind", "group", "period_start"]


@admin.register(DisciplineReferral)
class DisciplineReferralAdmin(GuardedModelAdmin, ReadOnlyAdmin):
    list_display = ["ticket", "problem", "trigger", "status", "proposed_at", "sent_at", "liaison"]
    list_filter = ["status", "trigger"]
    raw_id_fields = ["ticket", "problem"]
