"""API: the graph's owner suggestion for a ticket, dispatch with it, and the catalogue analysis.

Tickets follow the ticket visibility rules (`access.ticket_get_for`: forbidden answers like missing); the
analysis is for the hotline's overseers and conference members (`access.may_analyse_catalogue`).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration import access
from arbitration.api.lists import paginated
from arbitration.choices import AssignmentMethod
from arbitration.errors import NotFound
from arbitration.graph import (
    current_graph,
    cycles,
    gaps,
    hotspots,
    lead_moves_load,
    overlaps,
    settled_gaps,
    ticket_suggest,
)
from arbitration.services.dispatch import DISPATCHER_METHOD_CHOICES, ticket_dispatch, ticket_dispatch_second


class CandidateSerializer(serializers.Serializer):
    department_id = serializers.IntegerField()
    department_code = serializers.CharField()
    department_name = serializers.CharField()
    role = serializers.ChoiceField(choices=["lead", "co_handler", "regulator"])
    rank = serializers.IntegerField()
    source = serializers.ChoiceField(choices=["precedent", "catalogue", "fallback"])
    explanation = serializers.CharField()
    territory_chain = serializers.ListField(child=serializers.CharField())
    legal_basis = serializers.CharField()
    source_reference = serializers.CharField()
    duty_id = serializers.IntegerField(allow_null=True)


class SuggestionSerializer(serializers.Serializer):
    hotline_no = serializers.CharField()
    at = serializers.DateTimeField(help_text="The moment whose catalogue applies: when the ticket was received.")
    no_owner = serializers.BooleanField(help_text="The catalogue and precedents name no lead (无主).")
    overlap = serializers.BooleanField(help_text="Two or more catalogue leads tie for the top place.")
    message = serializers.CharField()
    candidates = CandidateSerializer(many=True)


class DispatchInput(serializers.Serializer):
    lead_department_id = serializers.IntegerField()
    co_handler_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    method = serializers.ChoiceField(
        choices=DISPATCHER_METHOD_CHOICES,
        required=False,
        default=AssignmentMethod.DIRECT,
        help_text="direct (直派), dual (双派: the lead is the territory, the co-handlers the sector departments) or "
        "first_receiver (首接负责: the lead may not bounce it until ownership is settled). docs/dispatch.md",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when the lead is not the suggestion's top candidate.",
    )


class AssignmentOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    department_code = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    role = serializers.CharField()
    method = serializers.CharField()
    assigned_at = serializers.DateTimeField()
    reason = serializers.CharField()


class DispatchOutSerializer(serializers.Serializer):
    hotline_no = serializers.CharField(source="ticket.hotline_no")
    overridden = serializers.BooleanField()
    lead = AssignmentOutSerializer()
    co_handlers = AssignmentOutSerializer(many=True)
    copied = AssignmentOutSerializer(many=True)


class GapSerializer(serializers.Serializer):
    matter_code = serializers.CharField()
    matter_name = serializers.CharField()
    territory_code = serializers.CharField()
    territory_name = serializers.CharField()
    territory_level = serializers.IntegerField()
    whole_subtree = serializers.BooleanField(help_text="The territory and everything under it lack a lead.")
    fallback_department = serializers.CharField()
    settled_by = serializers.CharField(
        help_text="With ?settled=1: the precedent (ruling, leader decision, agreement) that now settles this gap."
    )


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()

    def to_representation(self, instance):
        department_id, code, name = instance
        return {"id": department_id, "code": code, "name": name}


class OverlapSerializer(serializers.Serializer):
    matter_code = serializers.CharField()
    matter_name = serializers.CharField()
    territory_code = serializers.CharField()
    territory_name = serializers.CharField()
    departments = DepartmentRefSerializer(many=True)
    duty_ids = serializers.ListField(child=serializers.IntegerField())
    settled_by = serializers.CharField(help_text="A precedent that already overrides the tie, if any.")
    settled_within = serializers.SerializerMethodField(
        help_text="Precedents that settle the tie in part of the territory only, with the territory each covers."
    )

    @extend_schema_field(
        inline_serializer(
            "PartSettlement",
            {"document_number": serializers.CharField(), "territory": serializers.CharField()},
            many=True,
        )
    )
    def get_settled_within(self, overlap) -> list[dict]:
        return [{"document_number": number, "territory": name} for number, name in overlap.settled_within]


class HotspotSerializer(serializers.Serializer):
    department_a = DepartmentRefSerializer()
    department_b = DepartmentRefSerializer()
    a_to_b = serializers.IntegerField()
    b_to_a = serializers.IntegerField()
    total = serializers.IntegerField()
    bounces = serializers.IntegerField()
    tickets = serializers.IntegerField()


class CycleSerializer(serializers.Serializer):
    hotline_no = serializers.CharField()
    departments = DepartmentRefSerializer(many=True)


class HotspotsSerializer(serializers.Serializer):
    pairs = HotspotSerializer(many=True)
    cycles = CycleSerializer(many=True)


def suggestion_data(hotline_no: str, suggestion) -> dict:
    return {
        "hotline_no": hotline_no,
        "at": suggestion.at,
        "no_owner": suggestion.no_owner,
        "overlap": suggestion.overlap,
        "message": str(suggestion.message),
        "candidates": suggestion.candidates,
    }


class TicketSuggestion(APIView):
    @extend_schema(responses=SuggestionSerializer, summary="Suggested owners of a ticket, with explanations")
    def get(self, request, hotline_no: str):
        ticket = access.ticket_get_for(user=request.user, hotline_no=hotline_no)
        return Response(SuggestionSerializer(suggestion_data(hotline_no, ticket_suggest(ticket))).data)


class TicketDispatch(APIView):
    @extend_schema(
        request=DispatchInput,
        responses={201: DispatchOutSerializer},
        summary="Dispatch or re-dispatch a ticket (派单), copying regulators automatically",
    )
    def post(self, request, hotline_no: str):
        ticket = access.ticket_get_for(user=request.user, hotline_no=hotline_no)
        data = DispatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = ticket_dispatch(ticket_id=ticket.pk, actor=request.user, **data.validated_data)
        return Response(DispatchOutSerializer(result).data, status=201)


class SecondDispatchInput(DispatchInput):
    reason = serializers.CharField(help_text="Why the ticket goes out again (required).")


class TicketSecondDispatch(APIView):
    @extend_schema(
        request=SecondDispatchInput,
        responses={201: DispatchOutSerializer},
        summary="Second dispatch (二次派单) of a ticket that came back unsatisfied after re-handling",
        description="Opens a new round (docs/dispatch.md): the round's reply and visit are cleared from the ticket "
        "and stay on its events; the new lead's time limit runs from this dispatch. 409 unless the ticket is "
        "replied, the visit dissatisfied and it was re-handled at least once.",
    )
    def post(self, request, hotline_no: str):
        ticket = access.ticket_get_for(user=request.user, hotline_no=hotline_no)
        data = SecondDispatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = ticket_dispatch_second(ticket_id=ticket.pk, actor=request.user, **data.validated_data)
        return Response(DispatchOutSerializer(result).data, status=201)


def _analyst(request) -> None:
    if not access.may_analyse_catalogue(request.user):
        raise NotFound()


class CatalogueGaps(GenericAPIView):
    serializer_class = GapSerializer

    @extend_schema(
        responses=GapSerializer(many=True),
        summary="Catalogue gaps: matter × territory with no lead (?settled=1: those a precedent now settles)",
        parameters=[
            OpenApiParameter("settled", bool, description="The catalogue's gaps that a precedent now settles."),
        ],
    )
    def get(self, request):
        _analyst(request)
        listing = settled_gaps if request.query_params.get("settled") in ("1", "true", "True") else gaps
        return paginated(self, listing(current_graph(), at=timezone.now()))


class CatalogueOverlaps(GenericAPIView):
    serializer_class = OverlapSerializer

    @extend_schema(
        responses=OverlapSerializer(many=True),
        summary="Catalogue overlaps: tied leads",
    )
    def get(self, request):
        _analyst(request)
        return paginated(self, overlaps(current_graph(), at=timezone.now()))


class DisputeHotspots(APIView):
    @extend_schema(responses=HotspotsSerializer, summary="Dispute hot spots: department pairs and A → B → A cycles")
    def get(self, request):
        _analyst(request)
        graph, moves = current_graph(), lead_moves_load()
        return Response(HotspotsSerializer({"pairs": hotspots(graph, moves), "cycles": cycles(graph, moves)}).data)
