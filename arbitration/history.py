"""Helpers for django-simple-history: every write names its user and reason (TECH.md)."""

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def attribute(instance: M, *, actor, reason: str) -> M:
    """Mark the next save of `instance` with who made it and why (read by django-simple-history)."""
    instance._history_user = actor if actor is not None and actor.is_authenticated else None
    instance._change_reason = reason
    return instance


def save_attributed(instance: M, *, actor, reason: str, update_fields=None) -> M:
    attribute(instance, actor=actor, reason=reason)
    instance.save(update_fields=update_fields)
    return instance
