"""Serializer fields the three apps' APIs share."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from arbitration.reasons import recorded_reason


@extend_schema_field(OpenApiTypes.STR)
class RecordedReasonField(serializers.ReadOnlyField):
    """A stored reason in the caller's language (arbitration.reasons), beside the raw field that keeps the stored
    text: `reason_display = RecordedReasonField(source="reason")`."""

    def to_representation(self, value) -> str:
        return recorded_reason(value)
