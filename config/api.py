"""The API's shared pieces: the error format {code, message, details} for every failure, and the input rules
every endpoint gets without asking (docs/hardening.md): the JSON parser refuses control characters anywhere in
the body, a malformed cursor or page size is a 400, an unknown path under /api/ a JSON 404. The field rules (limits on
every text input, dates in range) are installed by arbitration.api.hardening."""

from __future__ import annotations

from array import array
from typing import Any

from csp.decorators import csp_update
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, pagination, parsers, permissions, status, throttling
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param

from arbitration import keyset
from arbitration.errors import DomainError
from arbitration.validation import text_problem


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response({"code": exc.code, "message": str(exc), "details": exc.details}, status=exc.http_status)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return Response({"code": "not_found", "message": _("Not found."), "details": {}}, status=404)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    # Imported here, not at the top: rest_framework.views reads DEFAULT_PARSER_CLASSES (this module's JSONParser)
    # when it loads, so a process that reaches this module first — Celery beat's start-up checks, via
    # DEFAULT_PAGINATION_CLASS — would import it half-initialised and fail.
    from rest_framework.views import exception_handler as drf_exception_handler

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


@csrf_exempt  # like every API view: a POST to an unknown path is a JSON 404, never Django's CSRF page
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under /api/ that no endpoint matches (a non-numeric id included): 404 in the error body."""
    return JsonResponse({"code": "not_found", "message": _("Not found."), "details": {}}, status=404)


def _control_character_path(data: Any, path: str = "") -> tuple[str, str] | None:
    """(where, why) for the first string in parsed JSON (keys included) that holds a control character."""
    if isinstance(data, str):
        problem = text_problem(data)
        return (path or "body", problem) if problem else None
    if isinstance(data, dict):
        for key, value in data.items():
            found = _control_character_path(str(key), path or "body") or _control_character_path(
                value, f"{path}.{key}" if path else str(key)
            )
            if found:
                return found
    if isinstance(data, list):
        for index, value in enumerate(data):
            found = _control_character_path(value, f"{path}[{index}]")
            if found:
                return found
    return None


class JSONParser(parsers.JSONParser):
    """DRF's parser, refusing control characters (NUL …) anywhere in the body: no serializer, hand-written
    parser or service behind the API ever sees one."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        found = _control_character_path(data)
        if found:
            raise exceptions.ValidationError({found[0]: [found[1]]})
        return data


class KeysetPagination(pagination.BasePagination):
    """Every list endpoint's pagination: keyset (cursor) pages on the list's own index-backed order
    (arbitration.keyset, docs/scale.md). `page_size` is the client's, bounded by MINGZE_LIST_MAX_PAGE_SIZE;
    `cursor` comes from the previous answer's `next` / `previous` link; a malformed one of either is a 400.
    A view may name its order in `keyset_ordering`; otherwise the queryset's own order is the key."""

    cursor_query_param, page_size_query_param = "cursor", "page_size"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = keyset.page_size_from(request.query_params.get(self.page_size_query_param),
                                     default=api_settings.PAGE_SIZE)  # fmt: skip
        self.page = keyset.paginate(queryset, request.query_params.get(self.cursor_query_param), size,
                                    ordering=getattr(view, "keyset_ordering", None))  # fmt: skip
        return self.page.rows

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, cursor)

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.count.value,
            "count_is_estimate": self.page.count.is_estimate,
            "next": self._link(self.page.next_cursor),
            "previous": self._link(self.page.previous_cursor),
            "results": data,
        })  # fmt: skip

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "count_is_estimate", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123,
                          "description": "Exact, or PostgreSQL's estimate when many rows match (see below)."},
                "count_is_estimate": {"type": "boolean",
                                      "description": "True when `count` is the planner's estimate: past "
                                      "MINGZE_LIST_EXACT_COUNT_LIMIT matching rows the list is not counted."},
                "next": {"type": "string", "nullable": True, "format": "uri",
                         "description": "The next page (carries `cursor`); null on the last page."},
                "previous": {"type": "string", "nullable": True, "format": "uri",
                             "description": "The previous page; null on the first."},
                "results": schema,
            },
        }  # fmt: skip

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query", "schema": {"type": "string"},
             "description": "Opaque: the `cursor` of a `next` or `previous` link. Absent: the first page."},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "schema": {"type": "integer", "minimum": 1, "maximum": settings.MINGZE_LIST_MAX_PAGE_SIZE,
                        "default": api_settings.PAGE_SIZE},
             "description": "Rows per page."},
        ]  # fmt: skip


def schema_readers() -> list:
    """Who may read the OpenAPI schema and its docs: signed-in people and API keys, or anyone when
    MINGZE_API_SCHEMA_PUBLIC publishes them (read at start-up, docs/hardening.md)."""
    return [permissions.AllowAny if settings.MINGZE_API_SCHEMA_PUBLIC else permissions.IsAuthenticated]


# The Swagger UI page is drf-spectacular's: its script and styles come from a CDN and it starts with an inline
# script, so this page alone widens the Content-Security-Policy (docs/hardening.md).
SWAGGER_CDN = "https://cdn.jsdelivr.net"
swagger_csp = csp_update({"script-src": [SWAGGER_CDN, "'unsafe-inline'"], "style-src": [SWAGGER_CDN],
                          "img-src": [SWAGGER_CDN]})  # fmt: skip


class ClientRateThrottle(throttling.SimpleRateThrottle):
    """One budget per API key, per signed-in account (a token or a session) and per anonymous address; the rates
    are DEFAULT_THROTTLE_RATES["user"] and ["anon"] (MINGZE_API_RATE_USER / _ANON), read on every request so
    that a changed setting applies at once. Past the budget: 429 with the error body and Retry-After."""

    def __init__(self) -> None:  # the rate depends on who asks: set per request
        self._ident = ""

    def allow_request(self, request, view) -> bool:
        auth, user = request.auth, request.user
        if auth is not None and hasattr(auth, "prefix"):  # an API key
            self.scope, self._ident = "user", f"key-{auth.pk}"
        elif user is not None and user.is_authenticated:
            self.scope, self._ident = "user", f"user-{user.pk}"
        else:
            self.scope, self._ident = "anon", self.get_ident(request)
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self._ident}

    def throttle_success(self) -> bool:
        # The budget's history (one timestamp per request of the last hour, newest first) is stored as an array of
        # floats, which the cache pickles as one block of bytes: a list of a busy account's thousands of timestamps
        # cost a third of a millisecond per request to pickle and unpickle (docs/scale.md, "The API").
        if not isinstance(self.history, array):
            self.history = array("d", self.history)
        return super().throttle_success()
