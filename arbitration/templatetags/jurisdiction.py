"""Template tags of the jurisdiction graph: the ticket page's suggestion panel asks for its suggestion here."""

from django import template

from arbitration.graph import Suggestion, ticket_suggest
from arbitration.models import Department
from arbitration.services import dispatch as dispatch_rules
from arbitration.services.dispatch import DISPATCHER_METHOD_CHOICES

register = template.Library()


@register.simple_tag
def ticket_suggestion(ticket) -> Suggestion:
    """`{% ticket_suggestion ticket as suggestion %}`: ranked owners of the ticket, with explanations."""
    return ticket_suggest(ticket)


@register.simple_tag
def dispatch_methods() -> list[tuple[str, str]]:
    """The methods a dispatcher chooses from (docs/dispatch.md), direct first."""
    return DISPATCHER_METHOD_CHOICES


@register.simple_tag
def second_dispatch_allowed(ticket) -> bool:
    """Whether the ticket came back unsatisfied after re-handling, so the dispatch form sends it out as a new round."""
    return dispatch_rules.second_dispatch_allowed(ticket)


@register.simple_tag
def dispatchable_departments():
    """Active departments a dispatcher may choose from when overriding the suggestion."""
    return Department.objects.filter(is_active=True).only("pk", "code", "name").order_by("code")
