"""API: a liaison's notices (通知) — e.g. a ruling moved one of the department's tickets — and marking them read."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration import access
from arbitration.api.lists import paginated
from arbitration.models import Notice
from arbitration.services.notices import notice_mark_read


class NoticeSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")
    hotline_no = serializers.CharField(source="ticket.hotline_no", default=None)
    message = serializers.CharField(help_text="In the language of the request (Accept-Language).")

    class Meta:
        model = Notice
        fields = ["id", "department", "kind", "hotline_no", "document_number", "message", "created_at", "read_at"]


class NoticeList(GenericAPIView):
    serializer_class = NoticeSerializer

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="Only notices nobody has read yet.")],
        responses=NoticeSerializer(many=True),
        summary="Notices to your departments, newest first",
    )
    def get(self, request):
        notices = access.notices_visible_to(request.user).select_related("department", "ticket")
        if request.query_params.get("unread") in ("1", "true", "True"):
            notices = notices.filter(read_at=None)
        return paginated(self, notices)


class NoticeRead(APIView):
    @extend_schema(request=None, responses=NoticeSerializer, summary="Mark a notice read")
    def post(self, request, pk: int):
        notice_mark_read(notice_id=pk, actor=request.user)
        notice = access.notices_visible_to(request.user).select_related("department", "ticket").get(pk=pk)
        return Response(NoticeSerializer(notice).data)
