"""Requests refused before any view runs, and domain errors answered the same way everywhere (docs/hardening.md).

- A body past MINGZE_MAX_REQUEST_BYTES (any request) or MINGZE_API_MAX_JSON_BYTES (a JSON body) answers 413.
- A query parameter or form field holding a control character (NUL …), or longer than MINGZE_LONG_TEXT_MAX_LENGTH,
  answers 400: no page or service ever sees one.
- A `DomainError` a page view lets through answers its own status with the translated message, instead of a 500.
- A page form that does not validate (`arbitration.form_rules.FormRefused`, raised by `bound()`) answers 400 with
  the form's errors, each under the label the user saw, and a way back to the page it came from.

Under /api/ every answer is the API's error body {code, message, details}; elsewhere it is the error page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from arbitration.errors import DomainError
from arbitration.form_rules import FormRefused, form_refused_errors
from arbitration.validation import long_text_limit, text_problem

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(request: HttpRequest, status: int, code: str, message: str, **details: object) -> HttpResponse:
    """The error body under /api/, the error page elsewhere."""
    if is_api(request):
        return JsonResponse({"code": code, "message": message, "details": details}, status=status)
    html = render_to_string("error.html", {"message": message}, request=request)
    return HttpResponse(html, status=status)


def back_url(request: HttpRequest) -> str:
    """The page the request came from, when it is this site's; else the home page."""
    referer = request.META.get("HTTP_REFERER", "")
    allowed = url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure())
    return referer if referer and allowed else "/"


def form_refused_response(request: HttpRequest, form) -> HttpResponse:
    context = {"errors": form_refused_errors(form), "back": back_url(request)}
    return HttpResponse(render_to_string("form_refused.html", context, request=request), status=400)


class RequestGuardMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._too_big(request) or self._control_characters(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError) and not is_api(request):  # the API's handler renders its own
            return error_response(request, exception.http_status, exception.code, str(exception))
        if isinstance(exception, FormRefused):
            return form_refused_response(request, exception.form)
        return None

    @staticmethod
    def _too_big(request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(request, 400, "invalid", _("The Content-Length header is not a number."))
        limit = settings.MINGZE_MAX_REQUEST_BYTES
        if request.content_type == "application/json":
            limit = min(limit, settings.MINGZE_API_MAX_JSON_BYTES)
        if length > limit:
            message = _("The request body is larger than %(limit)d bytes.") % {"limit": limit}
            return error_response(request, 413, "request_too_large", message, limit=limit)
        return None

    @staticmethod
    def _control_characters(request: HttpRequest) -> HttpResponse | None:
        try:
            sources = [request.GET]
            if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded",
                                                                     "multipart/form-data"):  # fmt: skip
                sources.append(request.POST)
            for source in sources:
                for name, values in source.lists():
                    for value in (name, *values):
                        problem = text_problem(value) or _length_problem(value)
                        if problem:
                            message = _("Invalid value for %(field)s: %(reason)s") % {"field": name, "reason": problem}
                            return error_response(request, 400, "invalid", message, field=name)
        except RequestDataTooBig:
            return error_response(request, 413, "request_too_large", _("The request body is too large."))
        except TooManyFieldsSent:
            return error_response(request, 400, "invalid", _("The request has too many fields."))
        except MultiPartParserError:
            return error_response(request, 400, "invalid", _("The request body cannot be read as a form."))
        return None


def _length_problem(value: str) -> str | None:
    limit = long_text_limit()
    if len(value) > limit:
        return _("longer than %(limit)d characters") % {"limit": limit}
    return None


class SecurityHeadersMiddleware:
    """The browser headers `check --deploy` does not ask for: Permissions-Policy (no camera, microphone,
    location … for any page). Content-Security-Policy comes from django-csp, Referrer-Policy and
    Cross-Origin-Opener-Policy from Django's SecurityMiddleware (docs/hardening.md)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.MINGZE_PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.MINGZE_PERMISSIONS_POLICY)
        return response
