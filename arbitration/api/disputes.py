"""API: disputes, negotiation statements, agreement, the agenda and the leader's sign-off."""

from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration import access
from arbitration.api.bounces import _valid
from arbitration.api.lists import paginated
from arbitration.choices import DisputeStatus, DisputeTrigger, RulingScope
from arbitration.errors import NotFound
from arbitration.models import Dispute, DisputeStatement
from arbitration.services.disputes import dispute_agree, dispute_open, dispute_put_on_agenda, dispute_statement_post
from arbitration.services.rulings import leader_decision_issue
from arbitration.validation import choice_param


class StatementSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")
    author = serializers.CharField(source="author.__str__")

    class Meta:
        model = DisputeStatement
        fields = ["id", "department", "author", "text", "basis", "created_at"]


class DisputeSerializer(serializers.ModelSerializer):
    hotline_no = serializers.CharField(source="ticket.hotline_no")
    parties = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    provisional_handler = serializers.CharField(source="provisional_handler.name", default=None)

    class Meta:
        model = Dispute
        fields = [
            "id",
            "hotline_no",
            "status",
            "trigger",
            "parties",
            "provisional_handler",
            "deadline",
            "opened_at",
            "agreement_minutes",
            "settled_at",
        ]


class DisputeDetailSerializer(DisputeSerializer):
    statements = StatementSerializer(many=True, read_only=True)

    class Meta(DisputeSerializer.Meta):
        fields = [*DisputeSerializer.Meta.fields, "statements"]


class OpenInput(serializers.Serializer):
    ticket_id = serializers.IntegerField()
    party_ids = serializers.ListField(child=serializers.IntegerField(), min_length=2)
    reason = serializers.CharField()


class StatementInput(serializers.Serializer):
    department_id = serializers.IntegerField()
    text = serializers.CharField()
    basis = serializers.CharField(required=False, allow_blank=True, default="")


SCOPE_HELP = "Where the decision binds along the ticket's territory chain; default: the ticket's street."


class AgreementInput(serializers.Serializer):
    lead_department_id = serializers.IntegerField()
    co_handler_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    minutes = serializers.CharField(help_text="What the parties agreed (协商情况), printed in the minutes.")
    basis = serializers.CharField(required=False, allow_blank=True, default="")
    scope = serializers.ChoiceField(
        choices=RulingScope.choices,
        default=RulingScope.TICKET,
        help_text="Wider than `ticket` only when the parties agreed the agreement becomes a precedent for that scope.",
    )


class AgreementResultSerializer(DisputeSerializer):
    agreement = serializers.SerializerMethodField(help_text="The numbered minutes (协商工作纪要) just issued.")

    class Meta(DisputeSerializer.Meta):
        fields = [*DisputeSerializer.Meta.fields, "agreement"]

    @extend_schema_field(
        inline_serializer(
            "IssuedAgreement", {"id": serializers.IntegerField(), "document_number": serializers.CharField()}
        )
    )
    def get_agreement(self, dispute: Dispute) -> dict:
        agreement = dispute.agreements.order_by("-pk").first()
        return {"id": agreement.pk, "document_number": agreement.document_number}


class AgendaInput(serializers.Serializer):
    session_id = serializers.IntegerField()
    scope = serializers.ChoiceField(choices=RulingScope.choices, required=False, help_text=SCOPE_HELP)


class LeaderDecisionInput(serializers.Serializer):
    lead_department_id = serializers.IntegerField()
    co_handler_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    scope = serializers.ChoiceField(choices=RulingScope.choices, required=False, help_text=SCOPE_HELP)
    reasons = serializers.CharField()
    basis = serializers.CharField()


def _dispatcher(user) -> None:
    if not access.may_dispatch(user):
        raise NotFound()


class DisputeList(GenericAPIView):
    serializer_class = DisputeSerializer

    @extend_schema(responses=DisputeSerializer(many=True), summary="Disputes visible to you (?status=…)")
    def get(self, request):
        disputes = (
            access.disputes_visible_to(request.user)
            .select_related("ticket", "provisional_handler")
            .prefetch_related("parties")
        )
        if status := choice_param("status", request.query_params.get("status"), DisputeStatus):
            disputes = disputes.filter(status=status)
        return paginated(self, disputes)

    @extend_schema(request=OpenInput, responses={201: DisputeSerializer}, summary="Open a dispute (dispatcher)")
    def post(self, request):
        _dispatcher(request.user)
        data = _valid(OpenInput, request)
        dispute = dispute_open(actor=request.user, trigger=DisputeTrigger.DISPATCHER, **data)
        return Response(DisputeSerializer(dispute).data, status=201)


class DisputeDetail(APIView):
    @extend_schema(responses=DisputeDetailSerializer, summary="A dispute with its statements")
    def get(self, request, dispute_id: int):
        return Response(DisputeDetailSerializer(access.dispute_get_for(user=request.user, dispute_id=dispute_id)).data)


class DisputeStatementCreate(APIView):
    @extend_schema(request=StatementInput, responses={201: StatementSerializer}, summary="Post a statement (协商)")
    def post(self, request, dispute_id: int):
        access.dispute_get_for(user=request.user, dispute_id=dispute_id)
        data = _valid(StatementInput, request)
        from arbitration.models import Department

        department = Department.objects.filter(pk=data["department_id"]).first()
        if department is None:
            raise NotFound()
        access.ensure_acts_for(request.user, department)
        statement = dispute_statement_post(dispute_id=dispute_id, actor=request.user, **data)
        return Response(StatementSerializer(statement).data, status=201)


class DisputeAgreement(APIView):
    @extend_schema(
        request=AgreementInput, responses=AgreementResultSerializer, summary="Record an agreement (dispatcher)"
    )
    def post(self, request, dispute_id: int):
        _dispatcher(request.user)
        dispute = dispute_agree(dispute_id=dispute_id, actor=request.user, **_valid(AgreementInput, request))
        return Response(AgreementResultSerializer(dispute).data)


class DisputeAgenda(APIView):
    @extend_schema(request=AgendaInput, responses={201: None}, summary="Put a dispute on a session's agenda")
    def post(self, request, dispute_id: int):
        _dispatcher(request.user)
        item = dispute_put_on_agenda(dispute_id=dispute_id, actor=request.user, **_valid(AgendaInput, request))
        return Response({"agenda_item": item.pk, "session": item.session_id}, status=201)


class DisputeLeaderDecision(APIView):
    @extend_schema(request=LeaderDecisionInput, responses={201: None}, summary="Sign off a dispute (city leader)")
    def post(self, request, dispute_id: int):
        if not access.may_sign_off(request.user):
            raise NotFound()
        decision = leader_decision_issue(
            dispute_id=dispute_id, actor=request.user, **_valid(LeaderDecisionInput, request)
        )
        return Response({"id": decision.pk, "document_number": decision.document_number}, status=201)
