"""Admin of the legal desk. Cases and leads pass through legal.access, like the pages and the API."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from arbitration.admin_shown import ShownFieldsMixin
from arbitration.reasons import recorded_reason
from legal import access
from legal.choices import ReadChannel
from legal.models import (
    Advice,
    CaseRead,
    HandoffBody,
    LegalCase,
    PublicInterestDomain,
    PublicInterestLead,
)
from legal.services.cases import case_read_record


class AdviceInline(ShownFieldsMixin, admin.StackedInline):
    model = Advice
    extra = 0
    can_delete = False
    readonly_fields = [
        "lawyer",
        "question",
        "analysis",
        "authorities",
        "route",
        "reply_text",
        "version",
        "created_at",
        "updated_at",
    ]

    shown_fields = {"authorities": "authorities_shown"}

    @admin.display(description=Advice._meta.get_field("authorities").verbose_name)
    def authorities_shown(self, advice: Advice) -> str:
        """The citations as written in a document: 《law》article, one after another."""
        cited = advice.authorities if advice is not None else []
        return "；".join(
            f"《{item.get('law', '')}》{item.get('article', '')}" for item in cited if isinstance(item, dict)
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # advice is logged through the service, which checks the declaration


@admin.register(LegalCase)
class LegalCaseAdmin(ShownFieldsMixin, SimpleHistoryAdmin):
    """Read-only here: assignment, advice and hand-off go through the desk's services (pages and API)."""

    shown_fields = {"origin_note": "origin_note_shown"}

    list_display = ["ticket", "origin", "status", "lawyer", "opened_at"]
    list_filter = ["status", "origin"]
    search_fields = ["ticket__hotline_no", "ticket__title"]
    raw_id_fields = ["ticket", "bounce", "lawyer", "opened_by"]
    readonly_fields = [
        "ticket",
        "origin",
        "origin_note",
        "bounce",
        "status",
        "lawyer",
        "opened_at",
        "opened_by",
        "assigned_at",
        "closed_at",
    ]
    inlines = [AdviceInline]

    @admin.display(description=LegalCase._meta.get_field("origin_note").verbose_name)
    def origin_note_shown(self, case: LegalCase) -> str:
        return recorded_reason(case.origin_note) if case is not None else ""

    def get_queryset(self, request):
        return access.legal_cases_visible_to(request.user, super().get_queryset(request)).select_related(
            "ticket", "lawyer"
        )

    def _may_use(self, request) -> bool:
        return access.is_desk_lead(request.user) or access.is_lawyer(request.user)

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and self._may_use(request)

    def has_view_permission(self, request, obj=None) -> bool:
        if not self._may_use(request):
            return False
        return obj is None or access.legal_cases_visible_to(request.user).filter(pk=obj.pk).exists()

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_queryset(request).filter(pk=object_id).first()
        if case is not None:
            case_read_record(case=case, user=request.user, channel=ReadChannel.ADMIN)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(CaseRead)
class CaseReadAdmin(admin.ModelAdmin):
    list_display = ["case", "user", "channel", "at"]
    list_filter = ["channel"]
    raw_id_fields = ["case", "user"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_staff and access.is_desk_lead(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return access.is_desk_lead(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the read log is an audit record


class DeskEditableAdmin(SimpleHistoryAdmin):
    """Editable reference tables of the desk (domains, bodies): the desk lead and administrators edit them."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_staff and access.is_desk_lead(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return access.is_desk_lead(request.user)

    def has_add_permission(self, request) -> bool:
        return access.is_desk_lead(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return access.is_desk_lead(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: leads and hand-offs point at these rows


@admin.register(PublicInterestDomain)
class PublicInterestDomainAdmin(DeskEditableAdmin):
    list_display = ["name", "tier", "effective_from", "is_active"]  # the code (a key) stays in the form
    list_filter = ["tier", "is_active"]
    search_fields = ["name", "code", "legal_basis"]
    filter_horizontal = ["matters"]


@admin.register(HandoffBody)
class HandoffBodyAdmin(DeskEditableAdmin):
    list_display = ["name", "kind", "contact", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(PublicInterestLead)
class PublicInterestLeadAdmin(ShownFieldsMixin, SimpleHistoryAdmin):
    hidden_fields = ("cluster_key",)  # "place:…": the key screening groups tickets by, shown as the lead's address
    list_display = ["title", "domain", "basis", "status", "proposed_at"]
    list_filter = ["status", "domain", "basis"]
    search_fields = ["title", "address", "parties"]
    readonly_fields = [field.name for field in PublicInterestLead._meta.fields] + ["tickets"]

    def get_queryset(self, request):
        return access.leads_visible_to(request.user, super().get_queryset(request)).select_related("domain")

    def has_module_permission(self, request) -> bool:
        return request.user.is_staff and (
            access.is_desk_lead(request.user) or access.is_procuratorate_liaison(request.user)
        )

    def has_view_permission(self, request, obj=None) -> bool:
        if obj is None:
            return self.has_module_permission(request)
        return access.leads_visible_to(request.user).filter(pk=obj.pk).exists()

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
