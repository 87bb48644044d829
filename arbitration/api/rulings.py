"""API: rulings (认定书), leader decisions (领导签批) and agreements (协商纪要): read, download the stored PDF, and
declare a refusal of a ruling or leader decision."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration import access
from arbitration.api.bounces import _valid
from arbitration.api.lists import paginated
from arbitration.documents.views import document_pdf_response
from arbitration.models import Agreement, LeaderDecision, Ruling
from arbitration.services.rulings import leader_decision_refuse, ruling_refuse


class DecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    document_number = serializers.CharField()
    issued_at = serializers.DateTimeField()
    dispute = serializers.IntegerField(source="dispute_id")
    hotline_no = serializers.CharField(source="ticket.hotline_no")
    scope = serializers.CharField()
    lead = serializers.CharField(source="lead.name")
    co_handlers = serializers.ListField(child=serializers.CharField(), source="co_handler_names", read_only=True)
    reasons = serializers.CharField()
    basis = serializers.CharField()
    in_force = serializers.BooleanField()
    territory = serializers.CharField(source="territory.name", help_text="The territory the scope covers.")
    backlog_applied_at = serializers.DateTimeField(
        allow_null=True, help_text="When the open tickets already in the scope were re-dispatched (null: not yet)."
    )
    render_status = serializers.CharField()
    tally = serializers.JSONField(source="data.tally", default=None)


class RefusalInput(serializers.Serializer):
    department_id = serializers.IntegerField()
    reason = serializers.CharField()


def _list(view: GenericAPIView, model, request):
    visible = access.disputes_visible_to(request.user).values("pk")
    decisions = (
        model.objects.filter(dispute__in=visible)
        .select_related("ticket", "lead", "territory")
        .prefetch_related("co_handlers")
    )
    return paginated(view, decisions)


class RulingList(GenericAPIView):
    serializer_class = DecisionSerializer

    @extend_schema(responses=DecisionSerializer(many=True), summary="Rulings visible to you")
    def get(self, request):
        return _list(self, Ruling, request)


class RulingDetail(APIView):
    @extend_schema(responses=DecisionSerializer, summary="A ruling")
    def get(self, request, pk: int):
        return Response(DecisionSerializer(access.decision_get_for(user=request.user, model=Ruling, pk=pk)).data)


class RulingPdf(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="The ruling's stored PDF")
    def get(self, request, pk: int):
        return document_pdf_response(access.decision_get_for(user=request.user, model=Ruling, pk=pk))


class RulingRefusal(APIView):
    @extend_schema(request=RefusalInput, responses={201: None}, summary="Declare that your department refuses")
    def post(self, request, pk: int):
        access.decision_get_for(user=request.user, model=Ruling, pk=pk)
        refusal = ruling_refuse(ruling_id=pk, actor=request.user, **_valid(RefusalInput, request))
        return Response({"id": refusal.pk}, status=201)


class LeaderDecisionList(GenericAPIView):
    serializer_class = DecisionSerializer

    @extend_schema(responses=DecisionSerializer(many=True), summary="Leader decisions visible to you")
    def get(self, request):
        return _list(self, LeaderDecision, request)


class LeaderDecisionDetail(APIView):
    @extend_schema(responses=DecisionSerializer, summary="A leader decision")
    def get(self, request, pk: int):
        decision = access.decision_get_for(user=request.user, model=LeaderDecision, pk=pk)
        return Response(DecisionSerializer(decision).data)


class LeaderDecisionPdf(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="The decision's stored PDF")
    def get(self, request, pk: int):
        return document_pdf_response(access.decision_get_for(user=request.user, model=LeaderDecision, pk=pk))


class LeaderDecisionRefusal(APIView):
    @extend_schema(request=RefusalInput, responses={201: None}, summary="Refuse a leader decision (→ supervision)")
    def post(self, request, pk: int):
        access.decision_get_for(user=request.user, model=LeaderDecision, pk=pk)
        refusal = leader_decision_refuse(decision_id=pk, actor=request.user, **_valid(RefusalInput, request))
        return Response({"id": refusal.pk}, status=201)


class AgreementList(GenericAPIView):
    serializer_class = DecisionSerializer

    @extend_schema(responses=DecisionSerializer(many=True), summary="Agreement minutes (协商纪要) visible to you")
    def get(self, request):
        return _list(self, Agreement, request)


class AgreementDetail(APIView):
    @extend_schema(responses=DecisionSerializer, summary="Agreement minutes")
    def get(self, request, pk: int):
        return Response(DecisionSerializer(access.decision_get_for(user=request.user, model=Agreement, pk=pk)).data)


class AgreementPdf(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="The minutes' stored PDF")
    def get(self, request, pk: int):
        return document_pdf_response(access.decision_get_for(user=request.user, model=Agreement, pk=pk))
