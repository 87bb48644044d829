"""API of the monthly topic (每月一题): one view per action, authorized through `supervision.access`
(docs/topics.md). Anything a user may not see answers 404."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration.api.reform import DutyChangeInput, ProposalSerializer, duty_changes
from arbitration.documents.views import document_pdf_response
from arbitration.errors import NotFound, PermissionDenied
from supervision import access, selectors
from supervision.api.serializers import ReasonInput
from supervision.choices import TopicSource
from supervision.models import Topic, TopicReport
from supervision.services import topics
from supervision.services.topic_report import figures_snapshot


class TopicSerializer(serializers.ModelSerializer):
    matter = serializers.CharField(source="matter.name")
    territory = serializers.CharField(source="territory.name", default=None, allow_null=True)  # city-wide: null
    lead = serializers.CharField(source="lead.name", default=None, allow_null=True)  # none until approved
    closing_report_number = serializers.CharField(
        source="closing_report.document_number", default=None, allow_null=True
    )  # null until the topic is closed

    class Meta:
        model = Topic
        fields = [
            "id",
            "title",
            "status",
            "matter",
            "territory",
            "keywords",
            "rationale",
            "source_kind",
            "source_reference",
            "lookback_days",
            "proposed_at",
            "decided_at",
            "rejection_reason",
            "lead",
            "co_handlers",
            "goal",
            "target_weekly_tickets",
            "deadline",
            "closed_at",
            "closing_report_number",
        ]


class TopicReportSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")

    class Meta:
        model = TopicReport
        fields = ["id", "department", "text", "figures", "attachment", "submitted_at"]


class PeriodFiguresSerializer(serializers.Serializer):
    tickets = serializers.IntegerField()
    per_week = serializers.FloatField()
    repeat_rate = serializers.FloatField()
    disputes = serializers.IntegerField()


class TopicFiguresSerializer(serializers.Serializer):
    before = PeriodFiguresSerializer(required=False)
    after = PeriodFiguresSerializer(required=False)


class TopicProposeInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    matter_id = serializers.IntegerField()
    territory_id = serializers.IntegerField(required=False, allow_null=True)
    keywords = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    rationale = serializers.CharField()
    source_kind = serializers.ChoiceField(choices=TopicSource.choices, required=False, allow_blank=True, default="")
    source_reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lookback_days = serializers.IntegerField(min_value=1, max_value=366, required=False)


class TopicApproveInput(serializers.Serializer):
    lead_id = serializers.IntegerField()
    co_handler_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    goal = serializers.CharField()
    target_weekly_tickets = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    working_days = serializers.IntegerField(min_value=1, max_value=250)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SummaryInput(serializers.Serializer):
    summary = serializers.CharField()


class TopicReportInput(serializers.Serializer):
    text = serializers.CharField()
    figures = serializers.DictField(child=serializers.FloatField(), required=False, default=dict)
    attachment = serializers.FileField(required=False)


def _input(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _visible(request, topic_id: int) -> Topic:
    return access.topic_get_for(user=request.user, topic_id=topic_id)


class TopicList(ListAPIView):
    serializer_class = TopicSerializer

    def get_queryset(self):
        if not access.may_list_topics(self.request.user):
            return Topic.objects.none()
        return (
            access.topics_visible_to(self.request.user)
            .select_related("matter", "territory", "lead", "closing_report")
            .prefetch_related("co_handlers")
        )

    @extend_schema(summary="Monthly topics visible to you, newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=TopicProposeInput, responses={201: TopicSerializer}, summary="Propose a monthly topic")
    def post(self, request):
        if not access.may_propose_topic(request.user):
            raise PermissionDenied()
        topic = topics.topic_propose(actor=request.user, **_input(TopicProposeInput, request))
        return Response(TopicSerializer(topic).data, status=201)


class TopicDetail(APIView):
    @extend_schema(responses=TopicSerializer, summary="One monthly topic")
    def get(self, request, topic_id: int):
        return Response(TopicSerializer(_visible(request, topic_id)).data)


class TopicApprove(APIView):
    @extend_schema(request=TopicApproveInput, responses=TopicSerializer, summary="A city leader approves a topic")
    def post(self, request, topic_id: int):
        _visible(request, topic_id)
        if not access.may_decide_topic(request.user):
            raise PermissionDenied()
        topic = topics.topic_approve(topic_id=topic_id, actor=request.user, **_input(TopicApproveInput, request))
        return Response(TopicSerializer(topic).data)


class TopicReject(APIView):
    @extend_schema(request=ReasonInput, responses=TopicSerializer, summary="A city leader rejects a topic")
    def post(self, request, topic_id: int):
        _visible(request, topic_id)
        if not access.may_decide_topic(request.user):
            raise PermissionDenied()
        reason = _input(ReasonInput, request)["reason"]
        return Response(TopicSerializer(topics.topic_reject(topic_id=topic_id, actor=request.user, reason=reason)).data)


class TopicClosingStart(APIView):
    @extend_schema(request=ReasonInput, responses=TopicSerializer, summary="The centre starts closing a topic")
    def post(self, request, topic_id: int):
        _visible(request, topic_id)
        if not access.may_close_topic(request.user):
            raise PermissionDenied()
        reason = _input(ReasonInput, request)["reason"]
        topic = topics.topic_closing_start(topic_id=topic_id, actor=request.user, reason=reason)
        return Response(TopicSerializer(topic).data)


class TopicClose(APIView):
    @extend_schema(
        request=SummaryInput, responses=TopicSerializer, summary="Close a topic and issue its closing report"
    )
    def post(self, request, topic_id: int):
        _visible(request, topic_id)
        if not access.may_close_topic(request.user):
            raise PermissionDenied()
        summary = _input(SummaryInput, request)["summary"]
        return Response(
            TopicSerializer(topics.topic_close(topic_id=topic_id, actor=request.user, summary=summary)).data
        )


class TopicReports(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=TopicReportSerializer(many=True), summary="A topic's progress reports")
    def get(self, request, topic_id: int):
        topic = _visible(request, topic_id)
        return Response(TopicReportSerializer(topic.reports.select_related("department"), many=True).data)

    @extend_schema(
        request=TopicReportInput, responses={201: TopicReportSerializer}, summary="The lead department reports progress"
    )
    def post(self, request, topic_id: int):
        if not access.may_report_topic(request.user, _visible(request, topic_id)):
            raise PermissionDenied()
        report = topics.topic_report_submit(topic_id=topic_id, actor=request.user, **_input(TopicReportInput, request))
        return Response(TopicReportSerializer(report).data, status=201)


class TopicFigures(APIView):
    @extend_schema(responses=TopicFiguresSerializer, summary="Before/after figures of a topic")
    def get(self, request, topic_id: int):
        topic = _visible(request, topic_id)
        return Response(figures_snapshot(selectors.topic_figures(topic, now=timezone.now())))


class TopicClosingReportPdf(APIView):
    @extend_schema(responses={(200, "application/pdf"): bytes}, summary="The closing report PDF of a topic")
    def get(self, request, topic_id: int):
        topic = _visible(request, topic_id)
        report = getattr(topic, "closing_report", None)
        if report is None:
            raise NotFound()
        return document_pdf_response(report)


class TopicProposalInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    rationale = serializers.CharField()
    changes = DutyChangeInput(many=True)


class TopicCatalogueProposal(APIView):
    @extend_schema(
        request=TopicProposalInput,
        responses={201: ProposalSerializer},
        summary="End a topic in a proposal to revise the duty catalogue",
    )
    def post(self, request, topic_id: int):
        _visible(request, topic_id)
        if not access.may_close_topic(request.user):
            raise PermissionDenied()
        data = _input(TopicProposalInput, request)
        proposal = topics.topic_propose_catalogue_reform(
            topic_id=topic_id,
            actor=request.user,
            title=data["title"],
            rationale=data["rationale"],
            changes=duty_changes(data["changes"]),
        )
        return Response(ProposalSerializer(proposal).data, status=201)
