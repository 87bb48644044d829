"""Celery tasks of supervision (beat schedule in settings); in the embedded default they run in-process."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from arbitration.spread import run_start
from supervision.cockpit.catalogue import catalogue_health_record
from supervision.services.referrals import referral_dossier_store
from supervision.services.reports import daily_report_issue_yesterday, monthly_report_issue_last_month
from supervision.services.scorecards import scorecards_compute_last_month


@shared_task(acks_late=True)
def supervision_sweep_task() -> int:
    """The sweep spread over the workers by ticket id range, then sending what it queued (supervision.spread).
    Idempotent and safe when two runs overlap. Returns the spread run's id."""
    return run_start("sweep").pk


@shared_task
def scorecards_compute_last_month_task() -> int:
    return len(scorecards_compute_last_month())


@shared_task(bind=True, max_retries=5, acks_late=True)
def referral_dossier_render_task(self, referral_id: int) -> None:
    try:
        referral_dossier_store(referral_id)
    except Exception as exc:
        if self.request.is_eager:
            raise
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 3600)) from exc


@shared_task(acks_late=True)
def surges_detect_task() -> int:
    """Celery beat, daily: detect surges of yesterday, spread by matter. Idempotent per series and day
    (docs/alerts.md). Returns the spread run's id."""
    return run_start("screening").pk


@shared_task(acks_late=True)
def rollups_rebuild_recent_task() -> int:
    """Recount the last MINGZE_ROLLUP_REPAIR_DAYS days, spread by day span: repairs any after-commit recount that
    failed. Idempotent. Returns the spread run's id."""
    today = timezone.localdate()
    first = today - dt.timedelta(days=settings.MINGZE_ROLLUP_REPAIR_DAYS - 1)
    return run_start("rollups", {"first": first.isoformat(), "last": today.isoformat()}).pk


@shared_task
def catalogue_health_record_task() -> int:
    return catalogue_health_record().gaps


@shared_task(acks_late=True)
def daily_report_issue_task() -> str:
    return daily_report_issue_yesterday().document_number


@shared_task(acks_late=True)
def monthly_report_issue_task() -> str:
    return monthly_report_issue_last_month().document_number
