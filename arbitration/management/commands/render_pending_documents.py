"""Render the PDFs of issued documents still pending or failed (the embedded default's retry sweep)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from arbitration.documents.tasks import documents_render_pending


class Command(BaseCommand):
    help = "Render the PDFs of issued documents whose rendering is pending or failed; stored PDFs are never redone."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=settings.MINGZE_DOCUMENT_RENDER_MAX_ATTEMPTS,
            help="Skip documents that already failed this many times.",
        )
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=0,
            help="Leave pending documents issued less than this many minutes ago (their first render may be queued).",
        )

    def handle(self, *args, max_attempts: int, grace_minutes: int, **options) -> None:
        rendered, failed = documents_render_pending(
            max_attempts=max_attempts, pending_grace=datetime.timedelta(minutes=grace_minutes)
        )
        self.stdout.write(f"Rendered {rendered} document(s); {failed} still failing.")
        if failed:
            self.stderr.write("See render_error on the failed documents for the reason.")
