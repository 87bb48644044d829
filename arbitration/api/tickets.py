"""API: intake from the hotline platform (a public contract) and reading tickets back.

POST /api/v1/tickets/                          create or update by hotline_no (idempotent)
GET  /api/v1/tickets/                          tickets visible to you, filtered and paginated
GET  /api/v1/tickets/export/                   the same list as a streamed CSV file (masked alike)
GET  /api/v1/tickets/{hotline_no}/             one ticket with its assignments
GET  /api/v1/tickets/{hotline_no}/history/     its audit history: who, when, what changed, why
(The platform's later events of a ticket: `arbitration.api.platform_events`.)

Visibility follows `access.tickets_visible_to`; a ticket you may not see answers exactly like a missing one.
Citizens' names and phones are masked unless `access.personal_data_rule` allows them: for one ticket through
`access.may_see_personal_data`, for lists and the export through the same rule as a per-row annotation.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration import access, selectors
from arbitration.api.fields import RecordedReasonField
from arbitration.api.output import PlannedOutput, current_timezone
from arbitration.choices import Channel, RequestType, Resolution, Satisfaction, TicketStatus
from arbitration.errors import InvalidInput, NotFound, UnknownCode
from arbitration.intake import CodeBook, ticket_payload_parse
from arbitration.models import Assignment, Department, Matter, Territory, Ticket
from arbitration.services.tickets import ticket_receive
from arbitration.validation import date_param
from arbitration.views.exports import ticket_csv_response

ENUM_HELP = "A code ({codes}) or its Chinese label."


def _enum_help(choices) -> str:
    return ENUM_HELP.format(codes=", ".join(choices.values))


# --- serializers ------------------------------------------------------------------------------------------
class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField(help_text="In the language of the request (Accept-Language).")
    details = serializers.DictField(help_text="`field` names the offending payload field.")


class TicketIntakeSerializer(serializers.Serializer):
    """The payload the hotline platform sends; validated by `arbitration.intake.ticket_payload_parse`."""

    hotline_no = serializers.CharField(max_length=40, help_text="The platform's own ticket number.")
    received_at = serializers.DateTimeField(help_text="ISO 8601; without an offset it is Asia/Shanghai time.")
    dispatched_at = serializers.DateTimeField(required=False, allow_null=True)
    channel = serializers.CharField(required=False, help_text=_enum_help(Channel))
    request_type = serializers.CharField(help_text=_enum_help(RequestType))
    matter = serializers.CharField(help_text="Matter (诉求分类) code.")
    territory = serializers.CharField(help_text="Territory (属地) code.")
    address = serializers.CharField(required=False, allow_blank=True, max_length=255)
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    citizen_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    citizen_phone = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="Mobile (13812341234) or landline (0538-6221234)."
    )
    confidential = serializers.BooleanField(required=False)
    time_limit = serializers.CharField(required=False, help_text="Time-limit tier code; the default tier if absent.")
    status = serializers.CharField(required=False, help_text=_enum_help(TicketStatus))
    resolution = serializers.CharField(required=False, allow_blank=True, help_text=_enum_help(Resolution))
    satisfaction = serializers.CharField(required=False, allow_blank=True, help_text=_enum_help(Satisfaction))
    result = serializers.CharField(required=False, allow_blank=True)
    dispatched_to = serializers.CharField(
        required=False, help_text="Code of the department the platform dispatched to (made the lead)."
    )


class CodeNameSerializer(PlannedOutput, serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AssignmentSerializer(PlannedOutput, serializers.ModelSerializer):
    department = CodeNameSerializer()
    role = serializers.CharField(help_text="lead, co_handler or copied")
    method = serializers.CharField()
    assigned_by = serializers.StringRelatedField()
    reason_display = RecordedReasonField(source="reason", help_text="The reason in the caller's language.")

    class Meta:
        model = Assignment
        fields = ["department", "role", "method", "assigned_at", "assigned_by", "reason", "reason_display", "ended_at"]


class TicketSerializer(PlannedOutput, serializers.ModelSerializer):
    """A ticket as the API shows it; personal data is masked unless context["personal_data"] is true."""

    channel = serializers.CharField()
    request_type = serializers.CharField()
    status = serializers.CharField()
    resolution = serializers.CharField()
    satisfaction = serializers.CharField()
    matter = CodeNameSerializer()
    territory = CodeNameSerializer()

    class Meta:
        model = Ticket
        fields = [
            "hotline_no", "received_at", "dispatched_at", "channel", "request_type", "matter", "territory",
            "address", "title", "content", "citizen_name", "citizen_phone", "confidential", "clock_started_at",
            "due_at", "due_unknown_reason", "status", "resolution", "satisfaction", "result", "replied_at", "closed_at",
            "response_due_at", "signed_at", "first_response_at", "handled_at", "visited_at", "withdrawn_at",
            "rehandle_count", "reminder_count", "updated_at",
        ]  # fmt: skip

    def to_representation(self, instance: Ticket) -> dict:
        data = super().to_representation(instance)
        # Lists carry the rule per ticket as an annotation (access.with_personal_data_visible).
        visible = getattr(instance, "personal_data_visible", self.context.get("personal_data", False))
        return _personal_data(data, visible=visible)

    @classmethod
    def rows_representation(cls, rows: list[dict]) -> list[dict]:
        """What `cls(tickets, many=True).data` writes for the tickets `rows` were read from: rows of `.values()`
        under the names `RowPlan` reads (the nested lists put in by the caller), each with `personal_data_visible`."""
        plan = cls.row_plan()
        tz = current_timezone() if plan.uses_time_zone else None
        return [_personal_data(plan.write(row, tz), visible=row["personal_data_visible"]) for row in rows]


def _personal_data(data: dict, *, visible: bool) -> dict:
    """A ticket's JSON with its citizen's name and phone masked unless `visible` (selectors.personal_data_shown)."""
    if not visible:
        for name, mask in selectors.PERSONAL_DATA_MASKS.items():
            data[name] = mask(data[name])
    return data


class TicketListItemSerializer(TicketSerializer):
    assignments = AssignmentSerializer(many=True, source="active_assignments", help_text="Active assignments.")

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "assignments"]


class SupplementSerializer(PlannedOutput, serializers.Serializer):
    at = serializers.DateTimeField()
    text = serializers.CharField(source="reason")


class TicketDetailSerializer(TicketSerializer):
    """One ticket with every assignment it ever had and the citizen's supplements (set `all_assignments` and
    `supplements` on the instance first)."""

    time_limit = CodeNameSerializer(source="time_limit_tier")
    assignments = AssignmentSerializer(many=True, source="all_assignments", help_text="Active ones first.")
    supplements = SupplementSerializer(
        many=True, help_text="补单: what the citizen added after the ticket was received, oldest first."
    )

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "time_limit", "assignments", "supplements"]


class IntakeResponseSerializer(TicketDetailSerializer):
    outcome = serializers.ChoiceField(choices=["created", "updated", "unchanged"], read_only=True)

    class Meta(TicketDetailSerializer.Meta):
        fields = ["outcome", *TicketDetailSerializer.Meta.fields]


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    subject = serializers.CharField(help_text="The ticket, or one of its assignments.")
    action = serializers.CharField(help_text="created, changed or deleted")
    actor = serializers.CharField()
    reason = serializers.CharField()
    changes = FieldChangeSerializer(many=True)


# --- views ------------------------------------------------------------------------------------------------
# A list row's columns, read as plain values (docs/scale.md, "The API"): what the item writes, each by its source
# (its matter and territory: the ids, codes and names), whether its citizen is shown, and its id for its assignments.
LIST_COLUMNS = (
    "id", "personal_data_visible", *TicketSerializer.Meta.fields,
    "matter__code", "matter__name", "territory__code", "territory__name",
)  # fmt: skip
ERRORS = {400: ErrorSerializer, 404: OpenApiResponse(ErrorSerializer, description="Missing, or not yours to see.")}
DETAIL_RELATED = ("matter", "territory", "time_limit_tier")


def _detail(request: Request, ticket: Ticket, **extra) -> dict:
    ticket.all_assignments = selectors.ticket_assignments(ticket)
    ticket.supplements = selectors.ticket_supplements(ticket)
    context = {"request": request, "personal_data": access.may_see_personal_data(request.user, ticket)}
    data = TicketDetailSerializer(ticket, context=context).data
    return {**extra, **data}


LIST_PARAMETERS = [
    OpenApiParameter("status", str, enum=TicketStatus.values),
    OpenApiParameter("department", str, description="Department code: tickets ever assigned to it."),
    OpenApiParameter("matter", str, description="Matter code: that matter and the ones under it."),
    OpenApiParameter("territory", str, description="Territory code: that territory and the ones within it."),
    OpenApiParameter("received_from", OpenApiTypes.DATE, description="Received on or after this day."),
    OpenApiParameter("received_to", OpenApiTypes.DATE, description="Received on or before this day."),
]


def _by_code(model, name: str, code: str | None):
    if not code:
        return None
    found = model.objects.filter(code=code).first()
    if found is None:
        raise UnknownCode(field=name, value=code)
    return found


def _date(name: str, text: str | None) -> dt.date | None:
    return date_param(name, text)


def _filters(params) -> selectors.TicketFilters:
    status_code = params.get("status") or ""
    if status_code and status_code not in TicketStatus.values:
        raise InvalidInput(field="status", reason=", ".join(TicketStatus.values))
    return selectors.TicketFilters(
        status=status_code,
        department=_by_code(Department, "department", params.get("department")),
        matter=_by_code(Matter, "matter", params.get("matter")),
        territory=_by_code(Territory, "territory", params.get("territory")),
        received_from=_date("received_from", params.get("received_from")),
        received_to=_date("received_to", params.get("received_to")),
    )


class TicketCollection(GenericAPIView):
    intake_endpoint = True  # an intake-scoped API key may POST here (docs/hardening.md)
    serializer_class = TicketListItemSerializer

    @extend_schema(
        summary="Receive a ticket from the hotline platform (create or update by hotline_no)",
        description="Idempotent: the same payload twice changes nothing and writes no second history row. "
        "Only dispatchers, administrators and accounts holding `arbitration.receive_ticket` (the platform's "
        "token) may post; anyone else gets 404. Unknown codes are 400 with `details.field` naming the field.",
        request=TicketIntakeSerializer,
        responses={201: IntakeResponseSerializer, 200: IntakeResponseSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        if not access.may_receive_tickets(request.user):
            raise NotFound()
        intake = ticket_payload_parse(request.data, CodeBook())
        result = ticket_receive(intake=intake, actor=request.user)
        outcome = "created" if result.created else "updated" if result.changed else "unchanged"
        # The poster may receive tickets, so it may read back the one it sent (whatever its roles show it).
        ticket = Ticket.objects.select_related(*DETAIL_RELATED).get(pk=result.ticket.pk)
        return Response(_detail(request, ticket, outcome=outcome),
                        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)  # fmt: skip

    @extend_schema(summary="Tickets visible to you", parameters=LIST_PARAMETERS,
                   responses={200: TicketListItemSerializer(many=True), 400: ErrorSerializer})  # fmt: skip
    def get(self, request: Request) -> Response:
        filters = _filters(request.query_params)
        rows = self.paginate_queryset(selectors.ticket_list_rows(_visible_list(request, filters), LIST_COLUMNS))
        return self.get_paginated_response(list_items(rows))


def list_items(rows: list[dict]) -> list[dict]:
    """The list's items for its tickets read as rows of LIST_COLUMNS: their active assignments read in one query,
    each ticket written as TicketListItemSerializer writes it from the model."""
    assignments = selectors.active_assignment_rows(row["id"] for row in rows)
    for row in rows:
        row["active_assignments"] = assignments[row["id"]]
    return TicketListItemSerializer.rows_representation(rows)


def _visible_list(request: Request, filters: selectors.TicketFilters):
    """The caller's tickets under `filters`, newest first, each marked with whether its citizen is shown."""
    tickets = selectors.ticket_list_for(request.user, filters)
    return access.with_personal_data_visible(tickets, request.user).order_by(*selectors.LIST_ORDER)


class TicketExport(APIView):
    """The ticket list as a CSV file, streamed: the same filters, visibility and masking as the list."""

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # The file is not rendered by DRF: a client asking for text/csv must not get 406; errors stay JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="Export tickets visible to you as CSV (UTF-8 with BOM, for Excel)",
        description="Every ticket the list would show under the same filters, unpaginated and streamed. Citizens' "
        "names and phones are masked by the same rule as everywhere else. Users without a ticket list get 404.",
        parameters=LIST_PARAMETERS,
        responses={(200, "text/csv"): OpenApiTypes.STR, **ERRORS},
    )
    def get(self, request: Request):
        if not access.may_list_tickets(request.user):
            raise NotFound()
        return ticket_csv_response(_visible_list(request, _filters(request.query_params)))


class TicketDetail(APIView):
    @extend_schema(summary="One ticket with its assignments", responses={200: TicketDetailSerializer, **ERRORS})
    def get(self, request: Request, hotline_no: str) -> Response:
        return Response(_detail(request, access.ticket_get_for(user=request.user, hotline_no=hotline_no)))


class TicketHistory(APIView):
    @extend_schema(
        summary="The ticket's audit history: who, when, what changed, why",
        description="History rows of the ticket and its assignments, oldest first. Personal data in the "
        "changes is masked for those who may not see it.",
        responses={200: HistoryEntrySerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, hotline_no: str) -> Response:
        ticket = access.ticket_get_for(user=request.user, hotline_no=hotline_no)
        personal = access.may_see_personal_data(request.user, ticket)
        entries = selectors.timeline_merge(
            selectors.history_entries(
                Ticket.history.filter(id=ticket.pk), subject=lambda row: str(_("Ticket")),
                masked={} if personal else selectors.PERSONAL_DATA_MASKS,
            ),
            selectors.history_entries(
                Assignment.history.filter(ticket_id=ticket.pk).select_related("department"),
                subject=lambda row: str(_("Assignment to %(department)s") % {"department": row.department}),
            ),
        )  # fmt: skip
        return Response(HistoryEntrySerializer(entries, many=True).data)
