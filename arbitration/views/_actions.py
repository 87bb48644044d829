"""Shared by the pages' actions: run one service call, confirm what happened (and what comes next) or show the
refusal's message, redirect back. The action's input comes from its form first (`arbitration.form_rules.bound`):
a form that does not validate never reaches the service."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from arbitration.errors import DomainError, NotFound


def act(request: HttpRequest, call: Callable[[], object], *, success: str, back: str) -> HttpResponse:
    """Call the service; a refusal's translated message is shown on the page it came from, nothing is written."""
    try:
        call()
    except NotFound:
        raise Http404 from None
    except DomainError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, success)
    return redirect(back)


def local_url(request: HttpRequest, url: str) -> str:
    """`url` when it leads to this site (a form's "next"), else "": never a redirect to somewhere else."""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return ""


def found(getter: Callable[[], object]):
    """An access helper's NotFound becomes the page's 404."""
    try:
        return getter()
    except NotFound:
        raise Http404 from None
