"""Template tags for arbitration's ticket page panels (arbitration includes the template; it imports nothing)."""

from django import template

from legal.access import legal_cases_visible_to
from legal.models import LegalCase
from legal.selectors import ticket_legal_route

register = template.Library()


@register.simple_tag(takes_context=True)
def legal_ticket_route(context, ticket) -> dict:
    """The ticket's legal route events, and its legal case when the viewer may open it."""
    user = context["request"].user
    case = legal_cases_visible_to(user, LegalCase.objects.filter(ticket=ticket)).first()
    return {"events": ticket_legal_route(ticket), "case": case}
