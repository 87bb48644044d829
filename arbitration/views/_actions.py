"""Shared by the conference-area pages: run one service call, show a refusal's message, redirect back."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

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


def ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.strip().isdigit()]


def optional_id(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def found(getter: Callable[[], object]):
    """An access helper's NotFound becomes the page's 404."""
    try:
        return getter()
    except NotFound:
        raise Http404 from None
