"""The cockpit's API (docs/cockpit.md): the figures of a period, the heat map of one district, the dispute network.
Open to MINGZE_COCKPIT_ROLES only; every figure comes with the ticket-list link behind it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from supervision.cockpit.access import ensure_cockpit
from supervision.cockpit.figures import cockpit, heat_map
from supervision.cockpit.network import dispute_network
from supervision.cockpit.period import DEFAULT_DAYS, GRAINS, MAX_DAYS, Period


class PeriodQuery(serializers.Serializer):
    first = serializers.DateField(required=False, help_text=f"First day (default: {DEFAULT_DAYS} days ago).")
    last = serializers.DateField(required=False, help_text="Last day (default: today).")
    grain = serializers.ChoiceField(choices=GRAINS, default="day", help_text="Buckets of the trend.")

    def validate(self, attrs):
        default = Period.ending_today(grain=attrs["grain"])
        period = Period(attrs.get("first") or default.first, attrs.get("last") or default.last, attrs["grain"])
        if period.first > period.last:
            raise serializers.ValidationError(_("The first day comes after the last."))
        if period.days > MAX_DAYS:
            raise serializers.ValidationError(_("A period may cover at most %(days)s days.") % {"days": MAX_DAYS})
        return {"period": period}


class HeatMapQuery(PeriodQuery):
    district = serializers.CharField(required=False, default="", max_length=12, help_text="A district's code.")

    def validate(self, attrs):
        return {**super().validate(attrs), "district": attrs["district"]}


def _query(serializer_class, request) -> dict:
    ensure_cockpit(request.user)
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


class CockpitFigures(APIView):
    @extend_schema(parameters=[PeriodQuery], responses=OpenApiTypes.OBJECT, summary="The cockpit's figures")
    def get(self, request):
        return Response(cockpit(_query(PeriodQuery, request)["period"]))


class CockpitHeatMap(APIView):
    @extend_schema(
        parameters=[HeatMapQuery],
        responses=OpenApiTypes.OBJECT,
        summary="Matter family × district, or × street of one district",
    )
    def get(self, request):
        query = _query(HeatMapQuery, request)
        return Response(heat_map(query["period"], district=query["district"]))


class CockpitNetwork(APIView):
    @extend_schema(parameters=[PeriodQuery], responses=OpenApiTypes.OBJECT, summary="The dispute network")
    def get(self, request):
        return Response(dispute_network(_query(PeriodQuery, request)["period"]))
