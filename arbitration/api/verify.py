"""API: the public register of issued documents — look a verification code up, check a copy against it.

Public like the /verify/<code> page it twins: no login, and only what the register holds (bodies, not people)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration.documents.register import registration_by_code, upload_check, upload_matches
from arbitration.errors import NotFound


class RegistrationSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField(help_text="Machine name of the kind, e.g. ruling, letter_escalation.")
    kind_name = serializers.CharField(help_text="The kind as printed, e.g. 督办函.")
    document_number = serializers.CharField()
    issuer = serializers.CharField()
    issue_date = serializers.DateField()
    addressee = serializers.CharField(help_text="The addressed department or body.")
    sha256 = serializers.CharField(help_text="SHA-256 of the issued file, hex.")
    size = serializers.IntegerField()
    signed = serializers.BooleanField()
    signer_fingerprint = serializers.CharField(
        help_text="SHA-256 of the signer certificate (DER), hex; empty if unsigned."
    )


class CopyInput(serializers.Serializer):
    file = serializers.FileField(help_text="The copy to check (PDF).")

    def validate_file(self, upload):
        try:
            upload_check(upload)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return upload


class CopyCheckResult(serializers.Serializer):
    match = serializers.BooleanField(help_text="True when the copy is byte for byte the issued file.")
    verdict = serializers.CharField(help_text="一致 or 不一致.")
    sha256 = serializers.CharField(help_text="SHA-256 of the issued file, hex.")


def _registration(code: str):
    registration = registration_by_code(code)
    if registration is None:
        raise NotFound()
    return registration


class VerifyDetail(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=RegistrationSerializer, summary="What the register says about a verification code")
    def get(self, request, code: str):
        return Response(RegistrationSerializer(_registration(code)).data)

    @extend_schema(
        request={"multipart/form-data": CopyInput},
        responses=CopyCheckResult,
        summary="Check a copy of an issued document against the register",
    )
    def post(self, request, code: str):
        registration = _registration(code)
        with translation.override("zh-hans"):
            serializer = CopyInput(data=request.data)
            serializer.is_valid(raise_exception=True)
        match = upload_matches(registration, serializer.validated_data["file"])
        verdict = "一致" if match else "不一致"
        return Response({"match": match, "verdict": verdict, "sha256": registration.sha256})
