"""Celery tasks of arbitration. Each is idempotent and safe to run twice or concurrently (TECH.md)."""

from celery import shared_task

from arbitration.services.disputes import disputes_put_overdue_on_agenda


@shared_task
def disputes_put_overdue_on_agenda_task() -> int:
    """Beat: disputes whose negotiation deadline passed go on the next conference session's agenda."""
    return disputes_put_overdue_on_agenda()
