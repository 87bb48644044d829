"""API of surge alerts (docs/alerts.md): list, detail, acknowledge, act, close, bulletin, mutes. Each view authorizes
through `supervision.access` and calls one service; what a user may not see answers 404."""

from django.db.models import Exists, OuterRef
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration.documents.views import document_pdf_response
from arbitration.errors import NotFound, PermissionDenied
from supervision import access
from supervision.choices import AlertStatus
from supervision.models import SeriesMute, SurgeAlert, SurgeAlertTransition, SurgeBulletin
from supervision.services import alerts as services


class AlertTransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurgeAlertTransition
        fields = ["from_status", "to_status", "reason", "at"]


class AlertSerializer(serializers.ModelSerializer):
    matter = serializers.CharField(source="matter.name")
    place = serializers.CharField()
    department = serializers.CharField(source="department.name", default="")
    bulletin_number = serializers.SerializerMethodField()

    class Meta:
        model = SurgeAlert
        fields = [
            "id",
            "matter",
            "matter_id",
            "territory_id",
            "place",
            "day",
            "span_days",
            "observed",
            "expected",
            "upper_bound",
            "score",
            "probability",
            "method",
            "department",
            "department_id",
            "status",
            "raised_at",
            "acknowledge_due",
            "action_text",
            "bulletin_number",
        ]

    def get_bulletin_number(self, alert: SurgeAlert) -> str:
        bulletin = getattr(alert, "bulletin", None) if getattr(alert, "has_bulletin", True) else None
        return bulletin.document_number if bulletin else ""


class AlertDetailSerializer(AlertSerializer):
    transitions = AlertTransitionSerializer(many=True)

    class Meta(AlertSerializer.Meta):
        fields = [*AlertSerializer.Meta.fields, "transitions"]


class AlertActInput(serializers.Serializer):
    text = serializers.CharField()


class AlertCloseInput(serializers.Serializer):
    reason = serializers.CharField()


class SeriesMuteInput(serializers.Serializer):
    matter_id = serializers.IntegerField()
    territory_id = serializers.IntegerField(required=False, allow_null=True)
    reason = serializers.CharField()
    until = serializers.DateField(required=False, allow_null=True)


class MuteSerializer(serializers.ModelSerializer):
    class Meta:
        model = SeriesMute
        fields = ["id", "series_key", "matter_id", "territory_id", "reason", "until", "muted_at", "lifted_at"]


def _input(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _answerable(request, alert_id: int) -> SurgeAlert:
    alert = access.alert_get_for(user=request.user, alert_id=alert_id)
    if not access.may_answer_alert(request.user, alert):
        raise PermissionDenied()
    return alert


class AlertList(ListAPIView):
    serializer_class = AlertSerializer

    @extend_schema(summary="Surge alerts visible to you, newest first", parameters=[OpenApiParameter("status", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queryset = access.alerts_visible_to(self.request.user).select_related("matter", "territory", "department")
        queryset = queryset.select_related("bulletin").annotate(
            has_bulletin=Exists(SurgeBulletin.objects.filter(alert=OuterRef("pk")))
        )
        status = self.request.query_params.get("status", "")
        return queryset.filter(status=status) if status in AlertStatus.values else queryset


class AlertDetail(APIView):
    @extend_schema(responses=AlertDetailSerializer, summary="A surge alert with its record")
    def get(self, request, alert_id: int):
        return Response(AlertDetailSerializer(access.alert_get_for(user=request.user, alert_id=alert_id)).data)


class AlertAcknowledge(APIView):
    @extend_schema(request=None, responses=AlertSerializer, summary="The owning department acknowledges an alert")
    def post(self, request, alert_id: int):
        _answerable(request, alert_id)
        return Response(AlertSerializer(services.surge_alert_acknowledge(alert_id=alert_id, actor=request.user)).data)


class AlertAct(APIView):
    @extend_schema(
        request=AlertActInput, responses=AlertSerializer, summary="The owning department reports action taken"
    )
    def post(self, request, alert_id: int):
        _answerable(request, alert_id)
        text = _input(AlertActInput, request)["text"]
        return Response(
            AlertSerializer(services.surge_alert_act(alert_id=alert_id, actor=request.user, text=text)).data
        )


class AlertClose(APIView):
    @extend_schema(request=AlertCloseInput, responses=AlertSerializer, summary="The centre closes an alert")
    def post(self, request, alert_id: int):
        access.alert_get_for(user=request.user, alert_id=alert_id)
        reason = _input(AlertCloseInput, request)["reason"]
        alert = services.surge_alert_close(alert_id=alert_id, actor=request.user, reason=reason)
        return Response(AlertSerializer(alert).data)


class AlertBulletin(APIView):
    @extend_schema(request=None, responses={201: AlertSerializer}, summary="Issue the alert's risk bulletin")
    def post(self, request, alert_id: int):
        access.alert_get_for(user=request.user, alert_id=alert_id)
        services.surge_bulletin_issue(alert_id=alert_id, actor=request.user)
        return Response(AlertSerializer(access.alert_get_for(user=request.user, alert_id=alert_id)).data, status=201)

    @extend_schema(responses={(200, "application/pdf"): bytes}, summary="The risk bulletin's PDF")
    def get(self, request, alert_id: int):
        alert = access.alert_get_for(user=request.user, alert_id=alert_id)
        bulletin = SurgeBulletin.objects.filter(alert=alert).first()
        if bulletin is None:
            raise NotFound()
        return document_pdf_response(bulletin)


class MuteList(ListAPIView):
    serializer_class = MuteSerializer

    @extend_schema(summary="Muted series (supervisors)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return access.mutes_visible_to(self.request.user)

    @extend_schema(request=SeriesMuteInput, responses={201: MuteSerializer}, summary="Mute a series, with a reason")
    def post(self, request):
        access.ensure_supervisor(request.user)
        data = _input(SeriesMuteInput, request)
        mute = services.series_mute(
            matter_id=data["matter_id"],
            territory_id=data.get("territory_id"),
            reason=data["reason"],
            until=data.get("until"),
            actor=request.user,
        )
        return Response(MuteSerializer(mute).data, status=201)


class MuteLift(APIView):
    @extend_schema(request=None, responses=MuteSerializer, summary="Lift a mute")
    def post(self, request, mute_id: int):
        return Response(MuteSerializer(services.series_mute_lift(mute_id=mute_id, actor=request.user)).data)
