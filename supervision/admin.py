"""Admin for supervision: the ladder rules are edited here; records are read-only views of what services wrote."""

from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from supervision.models import (
    CaseEvent,
    DisciplineReferral,
    LadderRule,
    LetterDraft,
    Reminder,
    ScoreAppeal,
    ScoreAppealTransition,
    ScoreBulletin,
    Scorecard,
    ScorePeriod,
    ScorePeriodTransition,
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
    list_display = ["__str__", "trigger", "tier", "status", "opened_at", "step_due_at"]
    list_filter = ["status", "tier", "trigger"]
    search_fields = ["ticket__hotline_no", "department__name"]
    raw_id_fields = ["ticket"]
    inlines = [CaseEventInline]


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
    search_fields = ["department__name", "department__code"]


class _TransitionInline(admin.TabularInline):
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "reason", "at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ScorePeriodTransitionInline(_TransitionInline):
    model = ScorePeriodTransition


@admin.register(ScorePeriod)
class ScorePeriodAdmin(ReadOnlyAdmin):
    """Periods are computed, appealed and published on the scorecard pages (services keep the snapshot whole)."""

    list_display = ["__str__", "status", "computed_at", "appeal_closes_at", "published_at", "published_by"]
    list_filter = ["status", "period_kind"]
    inlines = [ScorePeriodTransitionInline]


class ScoreAppealTransitionInline(_TransitionInline):
    model = ScoreAppealTransition


@admin.register(ScoreAppeal)
class ScoreAppealAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "department", "period", "status", "decision", "target_department", "lodged_at"]
    list_filter = ["status", "decision"]
    search_fields = ["ticket__hotline_no", "department__name"]
    raw_id_fields = ["ticket"]
    inlines = [ScoreAppealTransitionInline]


@admin.register(ScoreBulletin)
class ScoreBulletinAdmin(ReadOnlyAdmin):
    list_display = ["document_number", "period", "issued_at", "issued_by", "render_status"]
    list_filter = ["render_status"]
    search_fields = ["document_number"]


@admin.register(DisciplineReferral)
class DisciplineReferralAdmin(GuardedModelAdmin, ReadOnlyAdmin):
    list_display = ["ticket", "trigger", "status", "proposed_at", "sent_at", "liaison"]
    list_filter = ["status", "trigger"]
    raw_id_fields = ["ticket"]
