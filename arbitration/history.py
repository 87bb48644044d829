"""Helpers for django-simple-history: every write names its user and reason (TECH.md)."""

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)
CHANGE_REASON_LENGTH = 100  # django-simple-history's history_change_reason max_length


def attribute(instance: M, *, actor, reason: str) -> M:
    """Mark the next save of `instance` with who made it and why (read by django-simple-history)."""
    instance._history_user = actor if actor is not None and actor.is_authenticated else None
    # history_change_reason is a 100-character column: PostgreSQL refuses a longer reason (SQLite does not), and
    # reasons built from legal-basis text can be longer. The full text stays on the domain event row.
    instance._change_reason = reason[:CHANGE_REASON_LENGTH] if reason else reason
    return instance


def save_attributed(instance: M, *, actor, reason: str, update_fields=None) -> M:
    attribute(instance, actor=actor, reason=reason)
    instance.save(update_fields=update_fields)
    return instance
