"""API: bounces and their review. Anything a user may not see or do answers 404, as if it did not exist."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration import access
from arbitration.api.lists import paginated
from arbitration.api.tickets import ErrorSerializer
from arbitration.choices import BounceOutcome
from arbitration.errors import NotFound
from arbitration.models import Bounce, BounceReason
from arbitration.services.bounces import CATALOGUE_NAMES_YOU, bounce_create, bounce_reject, bounce_uphold
from arbitration.validation import choice_param


class BounceReasonSerializer(serializers.ModelSerializer):
    class Meta:
        model = BounceReason
        fields = ["id", "code", "name", "settled_by_ruling", "routes_to_legal_desk", "denies_duty"]


class BounceSerializer(serializers.ModelSerializer):
    hotline_no = serializers.CharField(source="ticket.hotline_no")
    department = serializers.CharField(source="department.name")
    proposed_department = serializers.CharField(source="proposed_department.name", default=None)
    reason = serializers.CharField(source="reason.name")
    catalogue_notice = serializers.SerializerMethodField(
        help_text="“The catalogue names you as lead” in the request's language when it does, else empty."
    )

    class Meta:
        model = Bounce
        fields = [
            "id",
            "hotline_no",
            "assignment",
            "department",
            "proposed_department",
            "reason",
            "explanation",
            "basis",
            "catalogue_names_department",
            "catalogue_reference",
            "catalogue_notice",
            "basis_document",
            "created_at",
            "outcome",
            "reviewed_at",
            "review_note",
        ]

    def get_catalogue_notice(self, bounce: Bounce) -> str:
        return str(CATALOGUE_NAMES_YOU) if bounce.catalogue_names_department else ""


class BounceInput(serializers.Serializer):
    reason_id = serializers.IntegerField()
    explanation = serializers.CharField()
    basis = serializers.CharField()
    proposed_department_id = serializers.IntegerField(required=False, allow_null=True)
    basis_document = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=255,
        help_text="The document (number and title) that says the matter is not your duty. Required when the "
        "reason denies the duty and the catalogue or a precedent names your department the lead here: without "
        "it the bounce is refused with 400 `catalogue_names_department`.",
    )


class UpholdInput(serializers.Serializer):
    lead_department_id = serializers.IntegerField()
    co_handler_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class RejectInput(serializers.Serializer):
    note = serializers.CharField()


class BounceReasonList(APIView):
    @extend_schema(responses=BounceReasonSerializer(many=True), summary="Bounce reasons (退单理由)")
    def get(self, request):
        return Response(BounceReasonSerializer(BounceReason.objects.filter(is_active=True), many=True).data)


class BounceList(GenericAPIView):
    serializer_class = BounceSerializer

    @extend_schema(responses=BounceSerializer(many=True), summary="Bounces visible to you (?outcome=pending)")
    def get(self, request):
        bounces = access.bounces_visible_to(request.user).select_related(
            "ticket", "department", "proposed_department", "reason"
        )
        if outcome := choice_param("outcome", request.query_params.get("outcome"), BounceOutcome):
            bounces = bounces.filter(outcome=outcome)
        return paginated(self, bounces)


class AssignmentBounce(APIView):
    @extend_schema(
        request=BounceInput,
        responses={201: BounceSerializer, 400: ErrorSerializer},
        summary="Bounce an assignment (退单)",
        description="A reason that denies the duty is checked against the catalogue: when the catalogue or a "
        "precedent names your department the lead for this matter here, give `basis_document`, or the answer "
        "is 400 `catalogue_names_department` explaining which entry names you.",
    )
    def post(self, request, assignment_id: int):
        data = _valid(BounceInput, request)
        bounce = bounce_create(assignment_id=assignment_id, actor=request.user, **data)
        return Response(BounceSerializer(bounce).data, status=201)


class BounceUphold(APIView):
    @extend_schema(request=UpholdInput, responses=BounceSerializer, summary="Uphold a bounce and re-dispatch")
    def post(self, request, bounce_id: int):
        _reviewer(request.user, bounce_id)
        bounce = bounce_uphold(bounce_id=bounce_id, actor=request.user, **_valid(UpholdInput, request))
        return Response(BounceSerializer(bounce).data)


class BounceReject(APIView):
    @extend_schema(request=RejectInput, responses=BounceSerializer, summary="Reject a bounce (无理退单)")
    def post(self, request, bounce_id: int):
        _reviewer(request.user, bounce_id)
        bounce = bounce_reject(bounce_id=bounce_id, actor=request.user, **_valid(RejectInput, request))
        return Response(BounceSerializer(bounce).data)


def _reviewer(user, bounce_id: int) -> None:
    if not access.may_review_bounces(user):
        raise NotFound()


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
