"""Template tags for arbitration's ticket page panels (arbitration includes the template; it imports nothing)."""

from django import template

from legal import access
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


@register.filter
def may_read_leads(user) -> bool:
    """`{% if request.user|may_read_leads %}`: links to the leads and the ledger follow the pages' own rule."""
    return access.may_read_leads(user)
