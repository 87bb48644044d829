"""Pages: a member's sessions and items with the vote form; the chair's item page with the live tally."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arbitration import access, keyset, selectors_conference
from arbitration.choices import RulingScope
from arbitration.form_rules import bound
from arbitration.forms import ItemCloseForm, VoteForm
from arbitration.models import Department, Vote
from arbitration.services.conferences import agenda_item_close, recused_department_ids, vote_cast
from arbitration.views._actions import act, found

PAGE_SIZE = 50


@login_required
def conference_home(request: HttpRequest) -> HttpResponse:
    """A member's items and sessions, newest session first; each list pages by its own cursor."""
    user = request.user
    items = selectors_conference.member_items(user)
    sessions = access.sessions_visible_to(user).select_related("chair")
    return render(
        request,
        "arbitration/conference/home.html",
        {
            "items": keyset.page_for(request, items, PAGE_SIZE, selectors_conference.MEMBER_ITEM_ORDER),
            "sessions": keyset.page_for(request, sessions, PAGE_SIZE, param="sessions_cursor"),
        },
    )


@login_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = found(lambda: access.session_get_for(user=request.user, session_id=session_id))
    return render(
        request,
        "arbitration/conference/session.html",
        {
            "session": session,
            "seats": session.seats.select_related("member", "department"),
            "items": session.items.select_related("dispute__ticket"),
        },
    )


@login_required
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    user = request.user
    item = found(lambda: access.agenda_item_get_for(user=user, item_id=item_id))
    dispute = item.dispute
    seat = selectors_conference.seat_for(user, item)
    parties = list(dispute.parties.all())
    return render(
        request,
        "arbitration/conference/item.html",
        {
            "item": item,
            "dispute": dispute,
            "ticket": dispute.ticket,
            "parties": parties,
            "seat": seat,
            "recused": seat is not None and seat.department_id in recused_department_ids(dispute.pk),
            "my_vote": Vote.objects.filter(item=item, seat=seat).first() if seat else None,
            "is_chair": user.has_perm(access.SESSION_CHAIR, item.session),
            "tally": selectors_conference.item_tally_view(item),
            "statements": dispute.statements.select_related("department", "author"),
            "departments": Department.objects.filter(is_active=True).order_by("code"),
            "scopes": RulingScope.choices,
            "casting_vote_choices": _casting_vote_choices(item),
            "ruling": getattr(item, "ruling", None),
        },
    )


def _casting_vote_choices(item) -> list[Department]:
    """Where the local rules give the chair a casting vote: the leads voted for so far (one breaks a tie at close)."""
    if not (settings.MINGZE_CONFERENCE_CASTING_VOTE and item.is_open):
        return []
    leads = item.votes.exclude(lead=None).values("lead_id")
    return list(Department.objects.filter(pk__in=leads).order_by("code"))


@login_required
@require_POST
def item_vote(request: HttpRequest, item_id: int) -> HttpResponse:
    data = bound(request, VoteForm)
    return act(
        request,
        lambda: vote_cast(item_id=item_id, actor=request.user, **data),
        success=_("Your vote was recorded. You may change it until the chair closes the item."),
        back=reverse("conference-item", args=[item_id]),
    )


@login_required
@require_POST
def item_close(request: HttpRequest, item_id: int) -> HttpResponse:
    found(lambda: access.agenda_item_get_for(user=request.user, item_id=item_id, perm=access.SESSION_CHAIR))
    data = bound(request, ItemCloseForm)
    return act(
        request,
        lambda: agenda_item_close(item_id=item_id, actor=request.user, **{**data, "scope": data["scope"] or None}),
        success=_(
            "The item is closed and its tally frozen: a majority issued the ruling, a deadlock goes to a city leader."
        ),
        back=reverse("conference-item", args=[item_id]),
    )
