"""Admin for bounces, disputes, the conference and rulings. Reason codes are edited here; everything else is a
record written by services (so that history, domain rows and guardian grants stay consistent) and is read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from arbitration.admin_shown import IssuedDocumentMixin, RecordedReasonMixin, ShownFieldsMixin
from arbitration.models import (
    AgendaItem,
    Agreement,
    Bounce,
    BounceReason,
    ConferenceSession,
    DecisionRefusal,
    Dispute,
    DisputeStatement,
    DisputeTransition,
    LeaderDecision,
    Notice,
    Ruling,
    Seat,
    Vote,
)


class RecordAdmin(SimpleHistoryAdmin):
    """A record written by a service: viewable with its history, never edited by hand."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BounceReason)
class BounceReasonAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "settled_by_ruling", "routes_to_legal_desk", "denies_duty", "is_active", "ordering")
    list_editable = ("is_active", "ordering")


@admin.register(Bounce)
class BounceAdmin(RecordAdmin):
    list_display = ("ticket", "department", "reason", "catalogue_names_department", "created_at", "outcome")
    list_filter = ("outcome", "reason", "catalogue_names_department")
    list_select_related = ("ticket", "department", "reason")
    search_fields = ("ticket__hotline_no", "department__name")


class StatementInline(admin.TabularInline):
    model = DisputeStatement
    extra = 0
    can_delete = False
    readonly_fields = ("department", "author", "text", "basis", "created_at")


class TransitionInline(RecordedReasonMixin, admin.TabularInline):
    model = DisputeTransition
    extra = 0
    can_delete = False
    fields = readonly_fields = ("from_status", "to_status", "actor", "reason", "at")


@admin.register(Dispute)
class DisputeAdmin(RecordAdmin):
    list_display = ("number", "ticket", "status", "trigger", "deadline", "opened_at")
    list_filter = ("status", "trigger")
    search_fields = ("ticket__hotline_no",)
    inlines = (StatementInline, TransitionInline)

    @admin.display(description=_("dispute no."), ordering="pk")
    def number(self, dispute: Dispute) -> int:
        return dispute.pk


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0
    can_delete = False
    readonly_fields = ("member", "department", "granted_at")


@admin.register(ConferenceSession)
class ConferenceSessionAdmin(RecordAdmin):
    list_display = ("title", "scheduled_for", "chair", "status")
    inlines = (SeatInline,)


@admin.register(AgendaItem)
class AgendaItemAdmin(ShownFieldsMixin, RecordAdmin):
    list_display = ("session", "position", "dispute", "status", "outcome", "closed_at")
    hidden_fields = ("result",)  # the tally as the code keeps it; the item's page and the minutes show it in words
    list_filter = ("status", "outcome")


@admin.register(Vote)
class VoteAdmin(RecordAdmin):
    list_display = ("item", "seat", "lead", "changed_at")


@admin.register(Ruling, LeaderDecision, Agreement)
class DecisionAdmin(IssuedDocumentMixin, RecordAdmin):
    list_display = (
        "document_number", "ticket", "lead", "scope", "territory", "in_force", "issued_at", "backlog_applied_at",
        "render_status",
    )  # fmt: skip
    list_filter = ("scope", "in_force", "render_status")
    search_fields = ("document_number", "ticket__hotline_no")


@admin.register(DecisionRefusal)
class DecisionRefusalAdmin(RecordAdmin):
    list_display = ("department", "ruling", "leader_decision", "declared_at")


@admin.register(Notice)
class NoticeAdmin(ShownFieldsMixin, RecordAdmin):
    hidden_fields = ("data",)  # the facts the notice page puts in its sentence
    list_display = ("created_at", "department", "kind", "ticket", "document_number", "read_at")
    list_filter = ("kind",)
    list_select_related = ("department", "ticket")
    search_fields = ("document_number", "ticket__hotline_no", "department__name")
