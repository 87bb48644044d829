"""Template tags of the jurisdiction graph: the ticket page's suggestion panel asks for its suggestion here."""

from django import template

from arbitration.graph import Suggestion, ticket_suggest
from arbitration.models import Department

register = template.Library()


@register.simple_tag
def ticket_suggestion(ticket) -> Suggestion:
    """`{% ticket_suggestion ticket as suggestion %}`: ranked owners of the ticket, with explanations."""
    return ticket_suggest(ticket)


@register.simple_tag
def dispatchable_departments():
    """Active departments a dispatcher may choose from when overriding the suggestion."""
    return Department.objects.filter(is_active=True).only("pk", "code", "name").order_by("code")
