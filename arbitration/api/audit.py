"""The audit seals, for a body outside the centre (docs/audit.md).

GET /api/v1/audit/seals/          every daily seal, oldest first (JSON)
GET /api/v1/audit/seals/export/   the same as a CSV file (what the discipline commission receives)

Administrators, supervisors and the discipline commission's liaisons may read them; others get 403.
"""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration.api.lists import paginated
from arbitration.api.tickets import ErrorSerializer
from arbitration.choices import Role
from arbitration.errors import PermissionDenied
from arbitration.models import AuditSeal
from arbitration.validation import date_param

SEAL_FIELDS = ("day", "row_count", "merkle_root", "previous_hash", "seal_hash", "sealed_at", "high_water")
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer}
SINCE = OpenApiParameter("since", OpenApiTypes.DATE, description="Only seals of this day and later.")


class AuditSealSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditSeal
        fields = SEAL_FIELDS


def may_read_seals(user) -> bool:
    return user.is_authenticated and user.has_role(Role.ADMINISTRATOR, Role.SUPERVISOR, Role.DISCIPLINE_LIAISON)


def _seals(request: Request):
    if not may_read_seals(request.user):
        raise PermissionDenied()
    seals = AuditSeal.objects.order_by("day")
    if since := request.query_params.get("since"):
        seals = seals.filter(day__gte=date_param("since", since))
    return seals


class AuditSealList(GenericAPIView):
    serializer_class = AuditSealSerializer

    @extend_schema(
        summary="The daily seals of the audit trail",
        description="Each seal is a Merkle root over the audit rows chained that day, chained to the previous "
        "seal: keeping the list outside the centre lets anyone later prove that no recorded row was changed.",
        parameters=[SINCE],
        responses={200: AuditSealSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return paginated(self, _seals(request))


class AuditSealExport(APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False):
        # The file is not rendered by DRF: a client asking for text/csv must not get 406; errors stay JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="The daily seals of the audit trail as CSV",
        parameters=[SINCE],
        responses={(200, "text/csv"): OpenApiTypes.STR, **ERRORS},
    )
    def get(self, request: Request):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([f for f in SEAL_FIELDS if f != "high_water"])
        for seal in _seals(request):
            writer.writerow([seal.day, seal.row_count, seal.merkle_root, seal.previous_hash, seal.seal_hash,
                             seal.sealed_at.isoformat()])  # fmt: skip
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-seals.csv"'
        return response
