"""Celery tasks of arbitration. Each is idempotent and safe to run twice or concurrently (TECH.md)."""

from celery import shared_task

from arbitration.services.disputes import disputes_put_overdue_on_agenda
from arbitration.services.precedents import decision_backlog_apply, decision_backlogs_apply_pending
from arbitration.services.reorganisation import reorganisations_carry_out_due

# The spread runs' tasks live beside their orchestration; importing them here registers them with the worker, which
# discovers <app>.tasks.
from arbitration.spread import spread_finish_task, spread_partition_task, spread_runs_resume_task  # noqa: F401


@shared_task
def disputes_put_overdue_on_agenda_task() -> int:
    """Beat: disputes whose negotiation deadline passed go on the next conference session's agenda."""
    return disputes_put_overdue_on_agenda()


@shared_task(acks_late=True)
def decision_backlog_apply_task(model_label: str, pk: int) -> int:
    """Queued when a ruling, leader decision or agreement commits: re-dispatch the open tickets in its scope."""
    return decision_backlog_apply(model_label=model_label, pk=pk)


@shared_task
def decision_backlogs_apply_pending_task() -> int:
    """Beat: the sweep behind the per-decision task (a broker that was down, a worker that died)."""
    return decision_backlogs_apply_pending()


@shared_task
def reorganisations_carry_out_due_task() -> int:
    """Beat: carry out the approved reorganisations whose effective moment has come (docs/catalogue-reform.md).
    Each is carried out under its row lock and only once (a carried-out one cannot be carried out again)."""
    return reorganisations_carry_out_due()
