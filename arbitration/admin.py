"""The Django admin for arbitration's models, with history views and the same access rules as the pages.

- Tickets and everything hanging off a ticket pass through `access.tickets_visible_to`: a liaison with
  staff status sees only their departments' tickets here too, history views included.
- Personal data is masked (lists, forms, history diffs) for users who may not see it.
- Duties are never edited in place: a change closes the row and opens a successor (`duty_revise`).
- Saving a calendar year recomputes every due time that waited for it.
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from arbitration import access
from arbitration.admin_shown import RecordedReasonMixin, ShownFieldsMixin
from arbitration.choices import TicketStatus
from arbitration.documents.numbering import DOCUMENT_KIND_NAMES
from arbitration.models import (
    Assignment,
    CalendarDay,
    CalendarYear,
    CatalogueProposal,
    Department,
    DepartmentMembership,
    DocumentRegistration,
    DocumentSequence,
    Duty,
    GraphVersion,
    Matter,
    ProposalChange,
    Reorganisation,
    ReorganisationMove,
    Territory,
    Ticket,
    TicketEvent,
    TimeLimitTier,
    User,
)
from arbitration.reasons import CALENDAR_ENTERED
from arbitration.selectors import PERSONAL_DATA_MASKS
from arbitration.services.catalogue import DUTY_FIELDS, duty_close, duty_open, duty_revise
from arbitration.services.tickets import tickets_recompute_unknown_due

ADMIN_REASON = gettext_noop("edited in the admin")

admin.site.site_header = _("Mingze administration")
admin.site.site_title = _("Mingze")
admin.site.index_title = _("Reference data, people and records")


def _sees_all_personal_data(user) -> bool:
    return user.has_role(*settings.MINGZE_PERSONAL_DATA_ROLES)


# --- the city model ----------------------------------------------------------------------------------------
@admin.register(Territory)
class TerritoryAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    ordering = ("path",)


@admin.register(Matter)
class MatterAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "parent", "legal_type")
    list_filter = ("level", "legal_type")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    ordering = ("path",)


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "parent", "territory", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent", "territory", "regulated_sectors")
    list_select_related = ("parent", "territory")


class DutyForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("Reason for this change"),
        max_length=100,
        help_text=_("Kept on the record: the catalogue keeps the old row and opens a new one."),
    )

    class Meta:
        model = Duty
        fields = ("department", "matter", "territory", "role", "legal_basis", "source", "source_reference")


class DutyValidity(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("current", _("In force")), ("closed", _("No longer in force"))]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.current()
        if self.value() == "closed":
            return queryset.filter(valid_until__isnull=False)
        return queryset


@admin.register(Duty)
class DutyAdmin(SimpleHistoryAdmin):
    form = DutyForm
    list_display = ("department", "matter", "territory", "role", "source", "valid_from", "valid_until")
    list_filter = (DutyValidity, "role", "source")
    search_fields = ("department__name", "department__code", "matter__name", "matter__code", "legal_basis")
    autocomplete_fields = ("department", "matter", "territory")
    list_select_related = ("department", "matter", "territory")
    readonly_fields = ("valid_from", "valid_until")
    actions = ("close_duties",)

    def save_model(self, request, obj: Duty, form, change: bool) -> None:
        """Through the catalogue service: an edit closes the old row and opens a successor, never overwrites."""
        reason = form.cleaned_data["change_reason"]
        values = {name: getattr(obj, name) for name in (*DUTY_FIELDS, "source_reference")}
        if change:
            if not form.has_changed() or form.changed_data == ["change_reason"]:
                return
            new = duty_revise(duty_id=obj.pk, actor=request.user, reason=reason, **values)
        else:
            new = duty_open(actor=request.user, reason=reason, **values)
        # The admin goes on to log and redirect with `obj`: make it the row that now holds the duty.
        obj.pk, obj.valid_from, obj.valid_until = new.pk, new.valid_from, new.valid_until
        obj._state.adding = False

    def has_change_permission(self, request, obj: Duty | None = None) -> bool:
        if obj is not None and obj.valid_until is not None:
            return False  # a closed row is history
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # rows are closed, never deleted, so the catalogue of any past day can be read back

    @admin.action(description=_("Close the selected duties"), permissions=["change"])
    def close_duties(self, request, queryset) -> None:
        closed = 0
        for duty in queryset.filter(valid_until=None):
            duty_close(duty_id=duty.pk, actor=request.user, reason=ADMIN_REASON)
            closed += 1
        self.message_user(request, _("%(count)d duties closed.") % {"count": closed}, messages.SUCCESS)


# --- the working calendar ---------------------------------------------------------------------------------
class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3
    fields = ("date", "kind", "name")


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ("year", "source", "day_count")
    search_fields = ("year", "source")
    inlines = (CalendarDayInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(day_total=models.Count("days"))

    @admin.display(description=_("days listed"), ordering="day_total")
    def day_count(self, obj) -> int:
        return obj.day_total

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # The days are in: every due time that waited for this year can now be counted (docs/domain.md §4).
        updated = tickets_recompute_unknown_due(
            actor=request.user, reason=CALENDAR_ENTERED.format(year=form.instance.year)
        )
        if updated:
            self.message_user(request, _("%(count)d due times recomputed.") % {"count": updated}, messages.SUCCESS)


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ("date", "kind", "name", "calendar_year")
    list_filter = ("kind", "calendar_year")
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(TimeLimitTier)
class TimeLimitTierAdmin(SimpleHistoryAdmin):
    # The code is the platform's key (in the form); the list names a tier by its name, as the pages do.
    list_display = ("name", "amount", "unit", "response_amount", "response_unit", "is_default", "ordering")
    list_editable = ("ordering",)


# --- tickets: visibility and personal data ----------------------------------------------------------------
class MaskingContextHelper(HistoricalRecordContextHelper):
    """Shows personal data in history diffs through its mask."""

    def prepare_delta_change_value(self, change, value):
        if change.field in PERSONAL_DATA_MASKS:
            return PERSONAL_DATA_MASKS[change.field](value or "")
        return super().prepare_delta_change_value(change, value)


class VisibleTicketsMixin:
    """Rows reachable only through a ticket the user may see; history views answer 404 like the pages."""

    ticket_path = "ticket"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.ticket_path is None:
            return access.tickets_visible_to(request.user, queryset)
        if request.user.has_role(*access.ALL_TICKET_ROLES):
            return queryset  # sees every ticket: spare the database a subquery over all of them
        return queryset.filter(**{f"{self.ticket_path}__in": access.tickets_visible_to(request.user)})

    def _ensure_visible(self, request, object_id) -> None:
        try:
            visible = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            visible = False
        if not visible:
            raise Http404  # simple_history would otherwise fall back to the history rows themselves

    def history_view(self, request, object_id, extra_context=None):
        self._ensure_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._ensure_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Ticket)
class TicketAdmin(VisibleTicketsMixin, SimpleHistoryAdmin):
    ticket_path = None
    list_display = (
        "hotline_no",
        "title",
        "status",
        "request_type",
        "matter",
        "territory",
        "citizen_name_shown",
        "citizen_phone_shown",
        "received_at",
        "due_at",
    )
    list_filter = ("status", "request_type", "channel", "time_limit_tier")
    search_fields = ("hotline_no", "title")
    list_select_related = ("matter", "territory")
    raw_id_fields = ("matter", "territory")
    show_full_result_count = False  # a count over a million rows on every page is not worth it
    # What the platform's intake and events own (docs/platform-events.md): shown, never edited here.
    readonly_fields = (
        "hotline_no", "dispatched_at", "status", "due_at", "due_unknown_reason", "response_due_at", "signed_at",
        "first_response_at", "handled_at", "replied_at", "verified_at", "visited_at", "withdrawn_at", "rehandle_count",
        "dispatch_round", "reminder_count", "updated_at",
    )  # fmt: skip
    MASKED_READONLY = ("citizen_name_shown", "citizen_phone_shown")

    # Masked values: shown in lists to everyone outside MINGZE_PERSONAL_DATA_ROLES (one rule, no query per
    # row), and in the form to whoever may not see this ticket's personal data.
    @admin.display(description=_("citizen name"))
    def citizen_name_shown(self, obj: Ticket) -> str:
        return PERSONAL_DATA_MASKS["citizen_name"](obj.citizen_name)

    @admin.display(description=_("citizen phone"))
    def citizen_phone_shown(self, obj: Ticket) -> str:
        return PERSONAL_DATA_MASKS["citizen_phone"](obj.citizen_phone)

    def get_list_display(self, request):
        # Decided per request, never stored on this admin: one instance serves every thread.
        if not _sees_all_personal_data(request.user):
            return self.list_display
        unmasked = {"citizen_name_shown": "citizen_name", "citizen_phone_shown": "citizen_phone"}
        return tuple(unmasked.get(name, name) for name in self.list_display)

    def _masked_for(self, request, obj) -> bool:
        return obj is not None and not access.may_see_personal_data(request.user, obj)

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or ())
        if self._masked_for(request, obj):
            excluded += ["citizen_name", "citizen_phone"]
        return excluded

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:  # the platform's intake owns it, and the ticket's assignments carry a copy of it
            fields.append("received_at")
        if self._masked_for(request, obj):
            fields += list(self.MASKED_READONLY)
        return fields

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not self._masked_for(request, obj):
            fields = [name for name in fields if name not in self.MASKED_READONLY]
        return fields

    def get_historical_record_context_helper(self, request, historical_record):
        if _sees_all_personal_data(request.user):
            return super().get_historical_record_context_helper(request, historical_record)
        return MaskingContextHelper(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version is a whole form of values: only for those who may see the ticket's personal data.
        self._ensure_visible(request, object_id)
        ticket = self.get_queryset(request).get(pk=unquote(object_id))
        if not access.may_see_personal_data(request.user, ticket):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_add_permission(self, request) -> bool:
        return False  # tickets arrive from the hotline platform (API or import_tickets)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdminMixin:
    """Records written only by services (dispatch, events): viewable, never edited by hand."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DocumentRegistration)
class DocumentRegistrationAdmin(ShownFieldsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """发文登记: written only when a PDF is finalised (docs/documents.md); nobody edits the register by hand."""

    hidden_fields = ("content_type", "kind")  # the document's model and kind key: `kind_name` says it in words

    list_display = ("code", "kind_name", "document_number", "issuer", "issue_date", "addressee", "signed")
    list_filter = ("kind_name", "signed")  # the kind as printed, not its key
    search_fields = ("code", "document_number")
    date_hierarchy = "issue_date"


@admin.register(Assignment)
class AssignmentAdmin(RecordedReasonMixin, ReadOnlyAdminMixin, VisibleTicketsMixin, SimpleHistoryAdmin):
    list_display = ("ticket", "department", "role", "method", "assigned_at", "assigned_by", "ended_at")
    list_filter = ("role", "method")
    search_fields = ("ticket__hotline_no", "department__name", "department__code")
    list_select_related = ("ticket", "department", "assigned_by")
    raw_id_fields = ("ticket", "department", "assigned_by")
    show_full_result_count = False


@admin.register(TicketEvent)
class TicketEventAdmin(RecordedReasonMixin, ReadOnlyAdminMixin, VisibleTicketsMixin, admin.ModelAdmin):
    shown_fields = {"from_status": "from_status_label", "to_status": "to_status_label", "reason": "reason_shown"}
    list_display = ("ticket", "kind", "from_status_label", "to_status_label", "actor", "at")
    list_filter = ("kind",)
    search_fields = ("ticket__hotline_no",)
    list_select_related = ("ticket", "actor")
    raw_id_fields = ("ticket", "actor")
    show_full_result_count = False

    # The two statuses are stored as codes (an event may name a status a later version retired): shown by label.
    @admin.display(description=_("from"), ordering="from_status")
    def from_status_label(self, event):
        return TicketStatus(event.from_status).label if event.from_status in TicketStatus.values else event.from_status

    @admin.display(description=_("to"), ordering="to_status")
    def to_status_label(self, event):
        return TicketStatus(event.to_status).label if event.to_status in TicketStatus.values else event.to_status


# --- people -------------------------------------------------------------------------------------------------
class MembershipInline(admin.TabularInline):
    model = DepartmentMembership
    extra = 1
    autocomplete_fields = ("department",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email")
    inlines = (MembershipInline,)
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        (_("Personal info"), {"fields": ("full_name", "first_name", "last_name", "email", "phone")}),
        *DjangoUserAdmin.fieldsets[2:],
    )


@admin.register(DepartmentMembership)
class DepartmentMembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "department")
    search_fields = ("user__username", "user__full_name", "department__name", "department__code")
    autocomplete_fields = ("user", "department")
    list_select_related = ("user", "department")


# --- plumbing -------------------------------------------------------------------------------------------------
@admin.register(DocumentSequence)
class DocumentSequenceAdmin(ShownFieldsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("issuer_code", "kind_shown", "year", "last")
    shown_fields = {"kind": "kind_shown"}
    list_filter = ("issuer_code", "year")

    @admin.display(description=_("kind"), ordering="kind")
    def kind_shown(self, sequence: DocumentSequence) -> str:
        return str(DOCUMENT_KIND_NAMES.get(sequence.kind, sequence.kind))


@admin.register(GraphVersion)
class GraphVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "changed_at")


def _register_the_rest() -> None:
    """Every other arbitration model gets a plain admin (history views where it keeps history), and rows
    reached through a ticket follow the ticket's visibility. A feature that wants more registers its own
    admin class above this call."""
    for model in apps.get_app_config("arbitration").get_models():
        if admin.site.is_registered(model) or model._meta.auto_created or hasattr(model, "instance_type"):
            continue  # historical models (they have `instance_type`) are shown through their model's history
        bases: list[type] = []
        ticket_fields = [
            f for f in model._meta.get_fields() if f.many_to_one and f.related_model is Ticket and f.name == "ticket"
        ]
        if ticket_fields:
            bases.append(VisibleTicketsMixin)
        bases.append(
            SimpleHistoryAdmin if hasattr(model._meta, "simple_history_manager_attribute") else admin.ModelAdmin
        )
        model_admin = type(
            f"{model.__name__}Admin",
            tuple(bases),
            {
                "raw_id_fields": tuple(f.name for f in model._meta.get_fields() if f.many_to_one and f.concrete),
            },
        )
        admin.site.register(model, model_admin)


# --- Catalogue reform and reorganisation (docs/catalogue-reform.md): written by their services only -------------
class ProposalChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProposalChange
    extra = 0
    fields = ("action", "duty", "department", "matter", "territory", "role", "legal_basis", "resulting_duty")
    readonly_fields = fields


@admin.register(CatalogueProposal)
class CatalogueProposalAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "origin", "origin_reference", "status", "proposed_at", "effective_at")
    list_filter = ("status", "origin")
    search_fields = ("title", "origin_reference")
    inlines = [ProposalChangeInline]


class ReorganisationMoveInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReorganisationMove
    extra = 0
    fields = ("from_department", "to_department", "matter")
    readonly_fields = fields


@admin.register(Reorganisation)
class ReorganisationAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "kind", "effective_at", "status", "carried_out_at")
    list_filter = ("status", "kind")
    inlines = [ReorganisationMoveInline]


from arbitration import admin_api_keys, admin_audit, admin_conference, admin_spread  # noqa: E402, F401  (keys; audit; conference; spread runs)

_register_the_rest()
