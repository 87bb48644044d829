"""Admin for supervision: the ladder rules and the letter texts are edited here; records are read-only views of
what services wrote."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from arbitration.admin_shown import IssuedDocumentMixin, RecordedReasonMixin, ShownFieldsMixin
from supervision.models import (
    CaseEvent,
    CatalogueHealth,
    DailyReport,
    DisciplineReferral,
    LadderRule,
    LetterDraft,
    LetterTemplate,
    MonthlyReport,
    Problem,
    ProblemTicket,
    Reminder,
    ScoreAppeal,
    ScoreAppealTransition,
    ScoreBulletin,
    Scorecard,
    ScorePeriod,
    ScorePeriodTransition,
    SeriesMute,
    SupervisionCase,
    SupervisionLetter,
    SurgeAlert,
    SurgeAlertTransition,
    SurgeBulletin,
    Topic,
    TopicClosingReport,
    TopicReport,
    TopicTransition,
)
from supervision.texts.placeholders import REQUIRED, placeholders_for


class ReadOnly:
    """Records written by services: shown, never edited here (edits would skip the domain rows)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, SimpleHistoryAdmin):
    pass


@admin.register(LadderRule)
class LadderRuleAdmin(SimpleHistoryAdmin):
    list_display = ["tier", "response_working_days", "letter_kind"]


@admin.register(LetterTemplate)
class LetterTemplateAdmin(SimpleHistoryAdmin):
    """The text of each kind of letter. The model's `clean` refuses a bad template as a form error; one text per
    kind exists from the start and none may be deleted, or that kind could not be issued."""

    list_display = ["kind", "title", "updated_at"]
    fields = ["kind", "title", "body", "placeholders"]
    readonly_fields = ["placeholders"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "kind"] if obj is not None else self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("Placeholders"))
    def placeholders(self, obj: LetterTemplate) -> str:
        if obj is None or not obj.kind:
            return _("Save the kind first; its placeholders are listed here.")
        required = set(REQUIRED[obj.kind])
        return format_html_join(
            "",
            "<div><code>{}</code> {}{}</div>",
            ((p.token, p.label, _(" — required") if p.name in required else "") for p in placeholders_for(obj.kind)),
        )


class CaseEventInline(RecordedReasonMixin, admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "from_tier", "to_tier", "actor", "reason", "at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SupervisionCase)
class SupervisionCaseAdmin(ShownFieldsMixin, ReadOnlyAdmin):
    hidden_fields = ("subject_key",)  # "ticket:12": the key that keeps one open case per subject
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
class ReminderAdmin(ShownFieldsMixin, ReadOnlyAdmin):
    shown_fields = {"step": "step_shown"}
    list_display = ["case", "department", "step_shown", "status", "queued_at", "sent_at"]
    list_filter = ["status"]

    @admin.display(description=_("step"), ordering="step")
    def step_shown(self, reminder: Reminder) -> str:
        return reminder.step_label


@admin.register(LetterDraft)
class LetterDraftAdmin(ReadOnlyAdmin):
    list_display = ["kind", "addressee", "status", "drafted_at"]
    list_filter = ["status", "kind"]


@admin.register(SupervisionLetter)
class SupervisionLetterAdmin(IssuedDocumentMixin, ReadOnlyAdmin):
    list_display = ["document_number", "kind", "addressee", "status", "issued_at", "response_due_on", "render_status"]
    list_filter = ["status", "kind", "render_status"]
    search_fields = ["document_number", "addressee"]


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin):
    list_display = ["department", "period_kind", "period_start", "group", "service_index", "rank", "in_bottom"]
    list_filter = ["period_kind", "group", "period_start"]
    search_fields = ["department__name", "department__code"]


class _TransitionInline(RecordedReasonMixin, admin.TabularInline):
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
class ScoreBulletinAdmin(IssuedDocumentMixin, ReadOnlyAdmin):
    list_display = ["document_number", "period", "issued_at", "issued_by", "render_status"]
    list_filter = ["render_status"]
    search_fields = ["document_number"]


@admin.register(DailyReport)
class DailyReportAdmin(IssuedDocumentMixin, ReadOnlyAdmin):
    list_display = ["document_number", "day", "issued_at", "issued_by", "render_status"]
    list_filter = ["render_status"]
    search_fields = ["document_number"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(IssuedDocumentMixin, ReadOnlyAdmin):
    list_display = ["document_number", "month", "issued_at", "issued_by", "render_status"]
    list_filter = ["render_status"]
    search_fields = ["document_number"]


@admin.register(CatalogueHealth)
class CatalogueHealthAdmin(ReadOnly, admin.ModelAdmin):
    """Derived daily counts (docs/cockpit.md), written by the daily task; not historied."""

    list_display = ["day", "gaps", "settled_gaps", "overlaps", "settled_overlaps"]


@admin.register(DisciplineReferral)
class DisciplineReferralAdmin(ShownFieldsMixin, GuardedModelAdmin, ReadOnlyAdmin):
    hidden_fields = ("dossier_data",)  # the frozen dossier behind its PDF, which is its readable form
    list_display = ["ticket", "problem", "trigger", "status", "proposed_at", "sent_at", "liaison"]
    list_filter = ["status", "trigger"]
    raw_id_fields = ["ticket", "problem"]


class TopicTransitionInline(RecordedReasonMixin, admin.TabularInline):
    model = TopicTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "reason", "at"]
    fields = readonly_fields


class SurgeAlertTransitionInline(RecordedReasonMixin, admin.TabularInline):
    model = SurgeAlertTransition
    fields = ["from_status", "to_status", "actor", "reason", "at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class TopicReportInline(admin.TabularInline):
    model = TopicReport
    extra = 0
    can_delete = False
    readonly_fields = ["department", "author", "text", "figures", "attachment", "submitted_at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdmin):
    """Monthly topics move through their services (docs/topics.md); the admin shows them, their reports and moves."""

    list_display = ["title", "matter", "territory", "lead", "status", "deadline", "proposed_at"]
    list_filter = ["status"]
    search_fields = ["title", "keywords"]
    inlines = [TopicReportInline, TopicTransitionInline]


@admin.register(TopicClosingReport)
class TopicClosingReportAdmin(IssuedDocumentMixin, ReadOnlyAdmin):
    list_display = ["document_number", "topic", "issued_at", "render_status"]
    search_fields = ["document_number"]


@admin.register(SurgeAlert)
class SurgeAlertAdmin(ShownFieldsMixin, ReadOnlyAdmin):
    hidden_fields = ("series_key",)  # "matter:59/territory:3": the matter and territory, shown by name
    list_display = ["day", "matter", "territory", "observed", "expected", "probability", "department", "status"]
    list_filter = ["status", "method"]
    search_fields = ["matter__name", "territory__name", "department__name"]
    raw_id_fields = ["matter", "territory", "department"]
    inlines = [SurgeAlertTransitionInline]


@admin.register(SurgeBulletin)
class SurgeBulletinAdmin(IssuedDocumentMixin, ReadOnlyAdmin):
    list_display = ["document_number", "alert", "issued_at", "issued_by", "render_status"]
    list_filter = ["render_status"]
    search_fields = ["document_number"]


@admin.register(SeriesMute)
class SeriesMuteAdmin(ReadOnlyAdmin):
    """Mutes are set and lifted on the muted-series page (the service checks who may and why)."""

    list_display = ["series_key", "matter", "territory", "reason", "until", "muted_by", "muted_at", "lifted_at"]
    list_filter = ["lifted_at"]
