"""The API's shared pieces: the error format {code, message, details} for every failure."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from arbitration.errors import DomainError


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response({"code": exc.code, "message": str(exc), "details": exc.details}, status=exc.http_status)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return Response({"code": "not_found", "message": _("Not found."), "details": {}}, status=404)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        first_field = next(iter(fields), "non_field_errors")
        first = fields[first_field]
        first_message = str(first[0] if isinstance(first, list) and first else first)
        response.data = {
            "code": "invalid",
            "message": _("Invalid value for %(field)s: %(reason)s") % {"field": first_field, "reason": first_message},
            "details": {"field": first_field, "errors": fields},
        }
    elif isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
        response.data = {"code": code, "message": str(exc.detail), "details": {}}
    response.status_code = getattr(exc, "status_code", status.HTTP_400_BAD_REQUEST)
    return response
