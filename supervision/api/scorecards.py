"""API: scorecards, the tickets behind each number, appeals, publication and the bulletin (docs/scorecards.md).

GET  /api/v1/supervision/scorecards/                       a period's cards you may see (liaison: your departments)
POST /api/v1/supervision/scorecards/compute/               compute or recompute a draft (supervisor)
GET  /api/v1/supervision/scorecards/{id}/tickets/          the tickets behind a number (?rate=&outcome=)
POST /api/v1/supervision/scorecards/{id}/appeals/          appeal one ticket of your department's draft card
GET  /api/v1/supervision/score-periods/                    periods, newest first
GET  /api/v1/supervision/score-periods/{id}/               one period
POST /api/v1/supervision/score-periods/{id}/publish/       publish and freeze (supervisor)
GET  /api/v1/supervision/score-periods/{id}/bulletin/      the bulletin PDF of a published period
GET  /api/v1/supervision/score-periods/{id}/appeals/       the period's appeals you may see
POST /api/v1/supervision/appeals/{id}/decide/              accept or refuse an appeal (supervisor)
GET  /api/v1/supervision/appeals/{id}/attachment/          the appeal's evidence file

Anything you may not see answers 404, as if it did not exist.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration.documents.views import document_pdf_response
from arbitration.errors import NotFound, PermissionDenied
from supervision import access, selectors
from supervision.choices import AppealDecision, PeriodKind, ScoreOutcome, ScoreRate
from supervision.models import ScoreAppeal, Scorecard, ScoreEntry, ScorePeriod
from supervision.services import score_appeals, scorecards
from supervision.views.files import appeal_attachment_response


# --- shapes ---------------------------------------------------------------------------------------------------
class ScorePeriodSerializer(serializers.ModelSerializer):
    bulletin_number = serializers.CharField(source="bulletin.document_number", default=None, allow_null=True)

    class Meta:
        model = ScorePeriod
        fields = [
            "id",
            "period_kind",
            "period_start",
            "period_end",
            "status",
            "drafted_at",
            "computed_at",
            "appeal_closes_at",
            "published_at",
            "bulletin_number",
        ]


class RateFiguresSerializer(serializers.Serializer):
    rate = serializers.ChoiceField(choices=ScoreRate.choices)
    met = serializers.IntegerField(help_text="Numerator: tickets that met the rate.")
    judged = serializers.IntegerField(help_text="Denominator: tickets met or missed.")
    unknown = serializers.IntegerField(help_text="Tickets whose fact is not yet known: left out of the rate.")
    value = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True, help_text="met / judged")


class ScorecardSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")
    period_status = serializers.CharField(source="period.status")
    rates = serializers.SerializerMethodField()

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "period",
            "period_status",
            "department",
            "department_id",
            "period_kind",
            "period_start",
            "group",
            "tickets",
            "withdrawn",
            "held",
            "rates",
            "response_rate",
            "on_time_rate",
            "feedback_rate",
            "satisfaction_rate",
            "received",
            "bounces",
            "unreasonable_bounces",
            "bounce_rate",
            "unreasonable_bounce_rate",
            "service_index",
            "rank",
            "group_size",
            "in_bottom",
            "computed_at",
        ]

    @extend_schema_field(RateFiguresSerializer(many=True))
    def get_rates(self, card: Scorecard) -> list[dict]:
        return RateFiguresSerializer(selectors.rate_figures(card), many=True).data


class ScoreEntrySerializer(serializers.ModelSerializer):
    hotline_no = serializers.CharField(source="ticket.hotline_no")
    title = serializers.CharField(source="ticket.title")
    charged_by_appeal = serializers.IntegerField(source="appeal_id", allow_null=True)
    charged_from = serializers.CharField(source="appeal.department.name", default=None, allow_null=True)

    class Meta:
        model = ScoreEntry
        fields = [
            "hotline_no",
            "title",
            "basis",
            "response",
            "on_time",
            "feedback",
            "satisfaction",
            "withdrawn",
            "charged_by_appeal",
            "charged_from",
        ]


class ScoreAppealSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")
    hotline_no = serializers.CharField(source="ticket.hotline_no")
    target_department = serializers.CharField(source="target_department.name", default=None)

    class Meta:
        model = ScoreAppeal
        fields = [
            "id",
            "period",
            "department",
            "department_id",
            "hotline_no",
            "reason",
            "attachment_name",
            "lodged_at",
            "status",
            "decision",
            "target_department",
            "target_department_id",
            "decision_reason",
            "decided_at",
        ]


class ScorecardComputeInput(serializers.Serializer):
    period_kind = serializers.ChoiceField(choices=PeriodKind.choices, default=PeriodKind.MONTH)
    period_start = serializers.DateField()


class AppealInput(serializers.Serializer):
    hotline_no = serializers.CharField(help_text="A ticket charged to the card's department.")
    reason = serializers.CharField()
    attachment = serializers.FileField(help_text="The evidence (PDF, OFD, image or office document).")


class AppealDecisionInput(serializers.Serializer):
    accept = serializers.BooleanField()
    decision = serializers.ChoiceField(
        choices=AppealDecision.choices, required=False, allow_blank=True, default="", help_text="When accepting."
    )
    target_department_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="When accepting with reattribute."
    )
    reason = serializers.CharField()


class PublishInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class PeriodFilter(serializers.Serializer):
    period_kind = serializers.ChoiceField(choices=PeriodKind.choices, default=PeriodKind.MONTH)
    period_start = serializers.DateField(required=False, allow_null=True, default=None)


class EntryFilter(serializers.Serializer):
    rate = serializers.ChoiceField(choices=ScoreRate.choices, required=False, allow_blank=True, default="")
    outcome = serializers.ChoiceField(
        choices=[*ScoreOutcome.values, "judged"], required=False, allow_blank=True, default=""
    )


def _input(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _period_param(request) -> ScorePeriod | None:
    """The period asked for (period_kind + period_start), or the newest of that kind."""
    wanted = _input(PeriodFilter, request.query_params.dict())
    periods = ScorePeriod.objects.filter(period_kind=wanted["period_kind"])
    if wanted["period_start"]:
        return periods.filter(period_start=wanted["period_start"]).first()
    return periods.order_by("-period_start").first()


# --- views ----------------------------------------------------------------------------------------------------
class ScorecardList(APIView):
    @extend_schema(
        responses=ScorecardSerializer(many=True),
        summary="Scorecards of one period you may see (a liaison: their departments')",
        parameters=[
            OpenApiParameter("period_kind", str, enum=PeriodKind.values),
            OpenApiParameter("period_start", OpenApiTypes.DATE, description="The newest period if absent."),
        ],
    )
    def get(self, request):
        if not access.may_see_scorecards(request.user):
            raise NotFound()
        period = _period_param(request)
        rows = selectors.scorecards_for(access.scorecards_visible_to(request.user), period) if period else []
        return Response(ScorecardSerializer(rows, many=True).data)


class ScorecardCompute(APIView):
    @extend_schema(
        request=ScorecardComputeInput,
        responses=ScorecardSerializer(many=True),
        summary="Compute (or recompute) a period's draft scorecards",
    )
    def post(self, request):
        access.ensure_supervisor(request.user)
        data = _input(ScorecardComputeInput, request.data)
        cards = scorecards.scorecards_compute(
            period_kind=data["period_kind"], period_start=data["period_start"], actor=request.user
        )
        return Response(ScorecardSerializer(cards, many=True).data)


class ScorecardTickets(ListAPIView):
    serializer_class = ScoreEntrySerializer

    @extend_schema(
        summary="The tickets behind one number of a scorecard",
        parameters=[
            OpenApiParameter("rate", str, enum=ScoreRate.values, description="Without it: every ticket charged."),
            OpenApiParameter(
                "outcome", str, enum=[*ScoreOutcome.values, "judged"], description="judged = the denominator."
            ),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        card = access.scorecard_get_for(user=self.request.user, scorecard_id=self.kwargs["scorecard_id"])
        wanted = _input(EntryFilter, self.request.query_params.dict())
        return selectors.scorecard_entries(card, rate=wanted["rate"], outcome=wanted["outcome"])


class ScorecardAppeal(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": AppealInput},
        responses={201: ScoreAppealSerializer},
        summary="Appeal one ticket of your department's draft scorecard, with a reason and evidence",
    )
    def post(self, request, scorecard_id: int):
        card = access.scorecard_get_for(user=request.user, scorecard_id=scorecard_id)
        if not access.may_appeal(request.user, card):
            raise PermissionDenied()
        data = _input(AppealInput, request.data)
        appeal = score_appeals.score_appeal_lodge(
            period_id=card.period_id,
            department_id=card.department_id,
            hotline_no=data["hotline_no"],
            actor=request.user,
            reason=data["reason"],
            attachment=data["attachment"],
        )
        return Response(ScoreAppealSerializer(appeal).data, status=201)


class ScorePeriodList(ListAPIView):
    serializer_class = ScorePeriodSerializer

    @extend_schema(summary="Scorecard periods, newest first", parameters=[OpenApiParameter("period_kind", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not access.may_see_scorecards(self.request.user):
            raise NotFound()
        periods = ScorePeriod.objects.select_related("bulletin").order_by("-period_start", "period_kind")
        kind = self.request.query_params.get("period_kind")
        return periods.filter(period_kind=kind) if kind else periods


class ScorePeriodDetail(APIView):
    @extend_schema(responses=ScorePeriodSerializer, summary="One scorecard period")
    def get(self, request, period_id: int):
        return Response(ScorePeriodSerializer(access.score_period_get_for(user=request.user, period_id=period_id)).data)


class ScorePeriodPublish(APIView):
    @extend_schema(
        request=PublishInput,
        responses=ScorePeriodSerializer,
        summary="Publish a period: final figures frozen with their tickets, bulletin issued, letters drafted",
    )
    def post(self, request, period_id: int):
        access.score_period_get_for(user=request.user, period_id=period_id)
        if not access.may_publish_scorecards(request.user):
            raise PermissionDenied()
        data = _input(PublishInput, request.data)
        period = scorecards.scorecards_publish(period_id=period_id, actor=request.user, reason=data["reason"])
        return Response(ScorePeriodSerializer(period).data)


class ScorePeriodBulletin(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="The bulletin's stored PDF")
    def get(self, request, period_id: int):
        period = access.score_period_get_for(user=request.user, period_id=period_id)
        bulletin = getattr(period, "bulletin", None) if period.is_published else None
        if bulletin is None:
            raise NotFound()
        return document_pdf_response(bulletin)


class ScorePeriodAppeals(ListAPIView):
    serializer_class = ScoreAppealSerializer

    @extend_schema(summary="A period's appeals you may see", parameters=[OpenApiParameter("status", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        period = access.score_period_get_for(user=self.request.user, period_id=self.kwargs["period_id"])
        visible = access.appeals_visible_to(self.request.user)
        return selectors.appeals_of_period(visible, period, status=self.request.query_params.get("status", ""))


class AppealDecide(APIView):
    @extend_schema(
        request=AppealDecisionInput,
        responses=ScoreAppealSerializer,
        summary="Accept (leave the ticket out, or charge it elsewhere) or refuse an appeal",
    )
    def post(self, request, appeal_id: int):
        access.appeal_get_for(user=request.user, appeal_id=appeal_id)
        if not access.may_publish_scorecards(request.user):
            raise PermissionDenied()
        data = _input(AppealDecisionInput, request.data)
        appeal = score_appeals.score_appeal_decide(
            appeal_id=appeal_id,
            actor=request.user,
            accept=data["accept"],
            reason=data["reason"],
            decision=data["decision"],
            target_department_id=data.get("target_department_id"),
        )
        return Response(ScoreAppealSerializer(appeal).data)


class AppealAttachment(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}, summary="An appeal's evidence")
    def get(self, request, appeal_id: int):
        return appeal_attachment_response(access.appeal_get_for(user=request.user, appeal_id=appeal_id))
