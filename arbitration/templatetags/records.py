"""Showing stored records in the reader's language: `{% load records %}{{ event.reason|recorded_reason }}`."""

from django import template

from arbitration.reasons import recorded_reason

register = template.Library()
register.filter("recorded_reason", recorded_reason)
