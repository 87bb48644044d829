"""Request hooks of arbitration's own."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from arbitration.queues import counts_key
from arbitration.remembered import forget

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class QueueCountsMiddleware:
    """A person who changes something (any unsafe method) sees the navigation's counts afresh on the page it leads
    to: their remembered counts (arbitration.queues.counts_for) are forgotten once the change is made."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.method not in SAFE_METHODS and user is not None and user.is_authenticated:
            forget(counts_key(user))
        return response
