"""The home page: a welcome card, then the cards of each role the user holds.

Cards live in a small registry so other apps add theirs from `AppConfig.ready()` without touching this
view (arbitration never imports them):

    from arbitration.views.home import home_card_register
    home_card_register(Role.SUPERVISOR, "supervision/home/_cases.html", context=open_cases_card)

A card is a template included with `data`, the dict its `context(request)` function returns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from arbitration import access, queues, selectors
from arbitration.choices import Role

CardContext = Callable[[HttpRequest], dict]


@dataclass(frozen=True)
class HomeCard:
    template: str
    context: CardContext | None = None
    order: int = 100  # lower comes first; warnings use 0


HOME_CARDS: dict[str, list[HomeCard]] = defaultdict(list)
# A role whose home is another page altogether (a city leader's is the cockpit): role → URL name.
HOME_PAGES: dict[str, str] = {}


def home_page_register(role: str, url_name: str) -> None:
    """Send every user holding `role` from the home page to `url_name` instead of the cards."""
    HOME_PAGES[role] = url_name


def home_card_register(role: str, template: str, *, context: CardContext | None = None, order: int = 100) -> None:
    """Show `template` on the home page of every user holding `role` (idempotent per role and template)."""
    cards = HOME_CARDS[role]
    if any(card.template == template for card in cards):
        return
    cards.append(HomeCard(template=template, context=context, order=order))


def home_cards_for(request: HttpRequest) -> list[tuple[str, dict]]:
    """(template, data) of every card the user's roles call for, each once, in order."""
    chosen: dict[str, HomeCard] = {}
    for role in sorted(request.user.roles):
        for card in HOME_CARDS.get(role, []):
            chosen.setdefault(card.template, card)
    cards = sorted(chosen.values(), key=lambda card: (card.order, card.template))
    return [(card.template, card.context(request) if card.context else {}) for card in cards]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    for role in sorted(request.user.roles):
        if role in HOME_PAGES:
            return redirect(HOME_PAGES[role])
    return render(
        request,
        "arbitration/home.html",
        {
            "cards": home_cards_for(request),
            "role_labels": [Role(code).label for code in sorted(request.user.roles)],
            "sees_tickets": request.user.has_role(*access.ALL_TICKET_ROLES, Role.LIAISON),
        },
    )


# --- arbitration's own cards ---------------------------------------------------------------------------------
def queue_card(request: HttpRequest) -> dict:
    """The user's work queue (arbitration/queues.py): every section their roles call for, most urgent first."""
    sections = queues.queue_for(request.user)
    request.queue_shown = sections  # the navigation's counts read them (arbitration/context_processors.py)
    return {"sections": sections}


def calendar_warning_card(request: HttpRequest) -> dict:
    return {"count": selectors.tickets_due_unknown_count(), "reasons": selectors.tickets_due_unknown_years()}


queues.register_arbitration_sections()
home_card_register(
    Role.ADMINISTRATOR, "arbitration/home/_calendar_warning.html", context=calendar_warning_card, order=0
)
# One card for every role: the sections inside it are chosen per user from the queue registry.
for _role in Role:
    home_card_register(_role, "arbitration/home/_queue.html", context=queue_card, order=10)
home_card_register(Role.ADMINISTRATOR, "arbitration/home/_administration.html", order=90)
