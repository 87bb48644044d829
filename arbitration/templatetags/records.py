"""Showing stored records in the reader's language: `{% load records %}{{ event.reason|recorded_reason }}`."""

from django import template

from arbitration.reasons import recorded_reason as _recorded_reason

register = template.Library()


@register.filter
def recorded_reason(text: str | None) -> str:
    return _recorded_reason(text)
