"""Pages: a liaison's notices (通知) — e.g. a ruling moved one of the department's tickets — and marking one read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Window
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arbitration import access
from arbitration.choices import Role
from arbitration.services.notices import notice_mark_read
from arbitration.views._actions import act
from arbitration.views.home import home_card_register

LIST_LIMIT = 200
CARD_ROWS = 5


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = access.notices_visible_to(request.user).select_related("department", "ticket")
    return render(request, "arbitration/notices/list.html", {"notices": notices[:LIST_LIMIT]})


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    return act(
        request,
        lambda: notice_mark_read(notice_id=pk, actor=request.user),
        success=_("Marked read; it leaves your unread notices."),
        back=reverse("notice-list"),
    )


def unread_notices_card(request: HttpRequest) -> dict:
    """The newest unread notices and how many are unread, in one statement: each row carries the count of them all
    (`COUNT(*) OVER ()`, computed before the LIMIT); no row, no unread notice. The card shows each notice's time and
    message (its kind, document number and data), nothing of its ticket."""
    unread = access.notices_visible_to(request.user).filter(read_at=None)
    shown = list(
        unread.only("created_at", "kind", "document_number", "data").annotate(unread=Window(Count("pk")))[:CARD_ROWS]
    )
    return {"notices": shown, "count": shown[0].unread if shown else 0}


home_card_register(Role.LIAISON, "arbitration/home/_notices.html", context=unread_notices_card, order=5)
