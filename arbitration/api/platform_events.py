"""API: the hotline platform's events after intake (a public contract, docs/platform-events.md).

POST /api/v1/tickets/{hotline_no}/events/   one event: signed, first_response, replied, visited, rehandled,
                                            reminded, supplemented, withdrawn (idempotent by event_id)
GET  /api/v1/tickets/{hotline_no}/events/   the platform events of a ticket you may see, oldest first
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration import access, selectors
from arbitration.api.tickets import ErrorSerializer, _enum_help
from arbitration.choices import PLATFORM_EVENT_KINDS, Resolution, Satisfaction
from arbitration.errors import NotFound
from arbitration.intake import CodeBook, event_payload_parse
from arbitration.models import Ticket, TicketEvent
from arbitration.services.platform_events import ticket_event_apply

KINDS = ", ".join(PLATFORM_EVENT_KINDS)


class PlatformEventSerializer(serializers.Serializer):
    """What the platform posts; validated by `arbitration.intake.event_payload_parse`."""

    event_id = serializers.CharField(
        max_length=64, help_text="The platform's own id of the event: the same id is stored once."
    )
    kind = serializers.CharField(help_text=f"One of {KINDS}, or its Chinese name (签收, 答复, 回访, 撤单…).")
    at = serializers.DateTimeField(help_text="When it happened; ISO 8601, without an offset Asia/Shanghai time.")
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="replied: the reply sent to the citizen (required); supplemented: the citizen's new information "
        "(required); other kinds: an optional note.",
    )
    handled_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="replied: when the department reported it handled; default `at`."
    )
    satisfaction = serializers.CharField(required=False, help_text="visited (required): " + _enum_help(Satisfaction))
    resolution = serializers.CharField(required=False, help_text="visited: " + _enum_help(Resolution))
    time_limit = serializers.CharField(
        required=False, help_text="rehandled: the re-handling's own time-limit tier; default the ticket's tier."
    )


class TicketFactsSerializer(serializers.ModelSerializer):
    status = serializers.CharField()
    satisfaction = serializers.CharField()
    resolution = serializers.CharField()

    class Meta:
        model = Ticket
        fields = [
            "hotline_no", "status", "dispatched_at", "response_due_at", "due_at", "signed_at", "first_response_at",
            "handled_at", "replied_at", "verified_at", "visited_at", "satisfaction", "resolution", "closed_at",
            "withdrawn_at", "rehandle_count", "dispatch_round", "reminder_count",
        ]  # fmt: skip


class StoredEventSerializer(serializers.ModelSerializer):
    event_id = serializers.CharField(source="platform_event_id", allow_null=True)
    kind = serializers.CharField()
    text = serializers.CharField(source="reason")
    data = serializers.DictField(help_text="The event's facts (handled_at, satisfaction…) and the lead department.")

    class Meta:
        model = TicketEvent
        fields = ["event_id", "kind", "at", "text", "from_status", "to_status", "data"]


class EventResponseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["created", "unchanged"])
    event = StoredEventSerializer()
    ticket = TicketFactsSerializer()


EXAMPLES = [
    OpenApiExample("签收 signed for", {"event_id": "E20260302-0001", "kind": "signed", "at": "2026-03-02T10:05:00"}),
    OpenApiExample(
        "答复 replied",
        {
            "event_id": "E20260302-0002",
            "kind": "replied",
            "at": "2026-03-04T16:00:00",
            "handled_at": "2026-03-04T11:30:00",
            "text": "经现场核实，摊点已清理，已电话回复市民。",
        },
    ),
    OpenApiExample(
        "回访 visited",
        {
            "event_id": "E20260302-0003",
            "kind": "visited",
            "at": "2026-03-05T09:20:00",
            "satisfaction": "不满意",
            "resolution": "未解决",
        },
    ),
    OpenApiExample(
        "重办 rehandled",
        {"event_id": "E20260302-0004", "kind": "rehandled", "at": "2026-03-05T10:00:00", "time_limit": "3wd"},
    ),
    OpenApiExample(
        "补单 supplemented",
        {
            "event_id": "E20260302-0005",
            "kind": "supplemented",
            "at": "2026-03-05T10:30:00",
            "text": "市民补充：摊贩每晚七点后出现。",
        },
    ),
    OpenApiExample("核验 verified", {"event_id": "E20260302-0007", "kind": "verified", "at": "2026-03-04T17:00:00"}),
    OpenApiExample("撤单 withdrawn", {"event_id": "E20260302-0006", "kind": "withdrawn", "at": "2026-03-06T08:00:00"}),
]
ERRORS = {
    400: ErrorSerializer,
    404: OpenApiResponse(ErrorSerializer, description="No such ticket, or you may not post events."),
    409: OpenApiResponse(
        ErrorSerializer,
        description="The ticket's state refuses the event (a visit before any reply, anything after a withdrawal), "
        "or the event id was already used for other content.",
    ),
}


class TicketEvents(APIView):
    intake_endpoint = True  # an intake-scoped API key may POST here (docs/hardening.md)

    @extend_schema(
        summary="Receive an event of a ticket from the hotline platform",
        description="Idempotent by `event_id`: the same event again answers 200 with the stored event and writes "
        "nothing; the same id with other content is a 409. Only dispatchers, administrators and accounts holding "
        "`arbitration.receive_ticket` may post; anyone else gets 404. Events apply in the order they arrive, and "
        "each is checked against the ticket's state then (docs/platform-events.md).",
        request=PlatformEventSerializer,
        examples=EXAMPLES,
        responses={201: EventResponseSerializer, 200: EventResponseSerializer, **ERRORS},
    )
    def post(self, request: Request, hotline_no: str) -> Response:
        if not access.may_receive_tickets(request.user):
            raise NotFound()
        event = event_payload_parse(request.data, CodeBook(), hotline_no=hotline_no)
        result = ticket_event_apply(event=event, actor=request.user)
        body = {
            "outcome": "created" if result.created else "unchanged",
            "event": StoredEventSerializer(result.event).data,
            "ticket": TicketFactsSerializer(result.ticket).data,
        }
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)

    @extend_schema(
        summary="The platform's events of a ticket, oldest first",
        responses={200: StoredEventSerializer(many=True), 400: ErrorSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, hotline_no: str) -> Response:
        ticket = access.ticket_get_for(user=request.user, hotline_no=hotline_no)
        return Response(StoredEventSerializer(selectors.ticket_platform_events(ticket), many=True).data)
