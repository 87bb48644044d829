"""API: catalogue reform proposals and reorganisations (docs/catalogue-reform.md). Reading needs the catalogue
analysis roles; deciding needs the catalogue administrator's permission."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration import access
from arbitration.api.bounces import _valid
from arbitration.api.lists import paginated
from arbitration.choices import DutyRole, ProposalAction, ReorganisationKind
from arbitration.errors import NotFound, PermissionDenied
from arbitration.models import CatalogueProposal, ProposalChange, Reorganisation, ReorganisationMove
from arbitration.services import reform, reorganisation


class ProposalChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProposalChange
        fields = ["id", "action", "duty", "department", "matter", "territory", "role", "legal_basis", "resulting_duty"]


class ProposalSerializer(serializers.ModelSerializer):
    changes = ProposalChangeSerializer(many=True, read_only=True)

    class Meta:
        model = CatalogueProposal
        fields = [
            "id",
            "title",
            "origin",
            "origin_reference",
            "ruling",
            "rationale",
            "evidence",
            "status",
            "proposed_at",
            "decided_at",
            "effective_at",
            "decision_reason",
            "changes",
        ]


class DutyChangeInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=ProposalAction.choices)
    duty_id = serializers.IntegerField(required=False, allow_null=True)
    department_id = serializers.IntegerField(required=False, allow_null=True)
    matter_id = serializers.IntegerField(required=False, allow_null=True)
    territory_id = serializers.IntegerField(required=False, allow_null=True)
    role = serializers.ChoiceField(choices=DutyRole.choices, required=False, allow_blank=True, default="")
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="")


class ProposalInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    rationale = serializers.CharField()
    changes = DutyChangeInput(many=True)


class FromRulingInput(serializers.Serializer):
    ruling_id = serializers.IntegerField()


class FromOverlapInput(serializers.Serializer):
    matter_id = serializers.IntegerField()
    territory_id = serializers.IntegerField()
    keep_department_id = serializers.IntegerField()


class FromGapInput(serializers.Serializer):
    matter_id = serializers.IntegerField()
    territory_id = serializers.IntegerField()
    department_id = serializers.IntegerField()
    legal_basis = serializers.CharField()


class ProposalDecisionInput(serializers.Serializer):
    effective_on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CatalogueReasonInput(serializers.Serializer):
    reason = serializers.CharField()


def duty_changes(rows: list[dict]) -> list[reform.DutyChange]:
    return [reform.DutyChange(**row) for row in rows]


def _drafter(request) -> None:
    if not access.may_draft_catalogue_proposal(request.user):
        raise NotFound()


def _decider(request) -> None:
    if not access.may_decide_catalogue(request.user):
        raise PermissionDenied()


class ProposalList(GenericAPIView):
    serializer_class = ProposalSerializer

    @extend_schema(responses=ProposalSerializer(many=True), summary="Catalogue reform proposals, newest first")
    def get(self, request):
        _drafter(request)
        return paginated(self, CatalogueProposal.objects.prefetch_related("changes"))

    @extend_schema(request=ProposalInput, responses={201: ProposalSerializer}, summary="Draft a proposal by hand")
    def post(self, request):
        _drafter(request)
        data = _valid(ProposalInput, request)
        proposal = reform.proposal_draft(
            actor=request.user,
            title=data["title"],
            rationale=data["rationale"],
            origin="manual",
            changes=duty_changes(data["changes"]),
        )
        return Response(ProposalSerializer(proposal).data, status=201)


class ProposalFromRuling(APIView):
    @extend_schema(request=FromRulingInput, responses={201: ProposalSerializer}, summary="Draft from a ruling")
    def post(self, request):
        _drafter(request)
        proposal = reform.proposal_draft_from_ruling(actor=request.user, **_valid(FromRulingInput, request))
        return Response(ProposalSerializer(proposal).data, status=201)


class ProposalFromOverlap(APIView):
    @extend_schema(request=FromOverlapInput, responses={201: ProposalSerializer}, summary="Draft from an overlap")
    def post(self, request):
        _drafter(request)
        proposal = reform.proposal_draft_from_overlap(actor=request.user, **_valid(FromOverlapInput, request))
        return Response(ProposalSerializer(proposal).data, status=201)


class ProposalFromGap(APIView):
    @extend_schema(request=FromGapInput, responses={201: ProposalSerializer}, summary="Draft from a gap")
    def post(self, request):
        _drafter(request)
        proposal = reform.proposal_draft_from_gap(actor=request.user, **_valid(FromGapInput, request))
        return Response(ProposalSerializer(proposal).data, status=201)


class ProposalDetail(APIView):
    @extend_schema(responses=ProposalSerializer, summary="A catalogue reform proposal")
    def get(self, request, proposal_id: int):
        return Response(ProposalSerializer(access.proposal_get_for(user=request.user, proposal_id=proposal_id)).data)


class ProposalApprove(APIView):
    @extend_schema(
        request=ProposalDecisionInput, responses=ProposalSerializer, summary="Approve with an effective date"
    )
    def post(self, request, proposal_id: int):
        access.proposal_get_for(user=request.user, proposal_id=proposal_id)
        _decider(request)
        data = _valid(ProposalDecisionInput, request)
        proposal = reform.proposal_approve(
            proposal_id=proposal_id, actor=request.user, effective_on=data["effective_on"], reason=data["reason"]
        )
        return Response(ProposalSerializer(proposal).data)


class ProposalReject(APIView):
    @extend_schema(request=CatalogueReasonInput, responses=ProposalSerializer, summary="Reject a proposal")
    def post(self, request, proposal_id: int):
        access.proposal_get_for(user=request.user, proposal_id=proposal_id)
        _decider(request)
        reason = _valid(CatalogueReasonInput, request)["reason"]
        return Response(
            ProposalSerializer(reform.proposal_reject(proposal_id=proposal_id, actor=request.user, reason=reason)).data
        )


# --- reorganisations ------------------------------------------------------------------------------------------
class ReorganisationMoveSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReorganisationMove
        fields = ["from_department", "to_department", "matter"]


class ReorganisationSerializer(serializers.ModelSerializer):
    moves = ReorganisationMoveSerializer(many=True, read_only=True)

    class Meta:
        model = Reorganisation
        fields = [
            "id",
            "kind",
            "title",
            "basis",
            "effective_at",
            "new_name",
            "status",
            "impact",
            "result",
            "planned_at",
            "carried_out_at",
            "moves",
        ]


class MoveInput(serializers.Serializer):
    from_department_id = serializers.IntegerField()
    to_department_id = serializers.IntegerField()
    matter_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReorganisationInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReorganisationKind.choices)
    title = serializers.CharField(max_length=200)
    basis = serializers.CharField()
    effective_on = serializers.DateField()
    new_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    moves = MoveInput(many=True)


class ReorganisationList(GenericAPIView):
    serializer_class = ReorganisationSerializer

    @extend_schema(responses=ReorganisationSerializer(many=True), summary="Reorganisations, latest first")
    def get(self, request):
        _drafter(request)
        return paginated(self, Reorganisation.objects.all())

    @extend_schema(
        request=ReorganisationInput,
        responses={201: ReorganisationSerializer},
        summary="Plan a reorganisation; its impact report is computed on the graph",
    )
    def post(self, request):
        _drafter(request)
        _decider(request)
        data = _valid(ReorganisationInput, request)
        moves = [(m["from_department_id"], m["to_department_id"], m["matter_id"]) for m in data.pop("moves")]
        planned = reorganisation.reorganisation_plan(actor=request.user, moves=moves, **data)
        return Response(ReorganisationSerializer(planned).data, status=201)


class ReorganisationDetail(APIView):
    @extend_schema(responses=ReorganisationSerializer, summary="A reorganisation, its impact report and result")
    def get(self, request, reorganisation_id: int):
        found = access.reorganisation_get_for(user=request.user, reorganisation_id=reorganisation_id)
        return Response(ReorganisationSerializer(found).data)


class ReorganisationAction(APIView):
    @extend_schema(
        operation_id="v1_reorganisations_action",
        request=CatalogueReasonInput,
        responses=ReorganisationSerializer,
        summary="Approve, reject or carry out a reorganisation (action: approve, reject, carry-out)",
    )
    def post(self, request, reorganisation_id: int, action: str):
        access.reorganisation_get_for(user=request.user, reorganisation_id=reorganisation_id)
        _decider(request)
        if action == "approve":
            done = reorganisation.reorganisation_approve(
                reorganisation_id=reorganisation_id, actor=request.user, reason=request.data.get("reason", "")
            )
        elif action == "reject":
            reason = _valid(CatalogueReasonInput, request)["reason"]
            done = reorganisation.reorganisation_reject(
                reorganisation_id=reorganisation_id, actor=request.user, reason=reason
            )
        elif action == "carry-out":
            done = reorganisation.reorganisation_carry_out(reorganisation_id=reorganisation_id, actor=request.user)
        else:
            raise NotFound()
        return Response(ReorganisationSerializer(done).data)
