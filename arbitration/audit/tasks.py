"""Celery beat tasks of the audit trail (docs/audit.md). Each is idempotent and safe to run twice or concurrently:
the chainer skips a table another chainer holds, a day is sealed once, a verification only reads."""

import datetime as dt
import logging

from celery import shared_task
from django.core.mail import mail_admins
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task
def audit_chain_task(tables: list[str] | None = None) -> int:
    """Chain `tables` after the commits that asked for it (`request_chaining`); every minute, with no tables,
    chain whatever is left everywhere (a crash, a busy lock, a lost request)."""
    from arbitration.audit.chain import chain_all, chaining_started
    from arbitration.audit.registry import audit_table

    if tables is None:
        return chain_all()
    chaining_started(tables)
    return chain_all([audit_table(t) for t in tables])


@shared_task
def audit_seal_task() -> str:
    """Shortly after midnight: seal yesterday."""
    from arbitration.audit.seals import seal_day

    seal = seal_day(timezone.localdate() - dt.timedelta(days=1))
    return seal.seal_hash if seal else ""


@shared_task
def audit_verify_task() -> bool:
    """Nightly: recompute every chain and seal; on a broken link, log an error and mail the administrators."""
    from arbitration.audit.verify import record_verification

    verification, result = record_verification()
    if not result.ok:
        logger.error("audit trail broken: %s", result.first_failure)
        mail_admins(
            "Audit trail verification failed",
            f"The audit verifier found a broken link.\n\n{result.first_failure}\n\n"
            f"Rows checked: {verification.rows_checked}. Run `manage.py audit_verify` to see it again.",
        )
    return result.ok
