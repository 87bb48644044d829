"""Link conditions in templates that reuse the pages' own access rules (arbitration.access), so that a link shows
exactly when the page it leads to opens: `{% load access_tags %}{% if item|agenda_item_opens_for:request.user %}`."""

from django import template

from arbitration import access

register = template.Library()


@register.filter
def agenda_item_opens_for(item, user) -> bool:
    return item is not None and access.sessions_visible_to(user).filter(pk=item.session_id).exists()


@register.filter
def ticket_opens_for(ticket, user) -> bool:
    return access.tickets_visible_to(user, type(ticket).objects.filter(pk=ticket.pk)).exists()
