"""Rendering issued documents' PDFs after the issuing transaction commits, once, with retries.

An issued document is a snapshot (STYLE.md §4): its PDF is built from its stored data and stored once.
Nothing here re-renders a document whose PDF is stored. A failed render never loses the record: it is
marked failed, Celery retries it with backoff, and `manage.py render_pending_documents` (also a beat
task) sweeps up whatever is still pending or failed.
"""

import datetime
import logging
from functools import partial

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from arbitration.choices import RenderStatus
from arbitration.history import save_attributed
from arbitration.models import IssuedDocument
from arbitration.spread import run_start

from .finalise import pdf_finalise

logger = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 60 * 60


class DocumentRenderFailed(Exception):
    """build_pdf() raised; the failure is recorded on the document before this propagates."""


def issued_document_models() -> list[type[IssuedDocument]]:
    """Every concrete model that stores issued documents, in every app."""
    return [model for model in apps.get_models() if issubclass(model, IssuedDocument)]


def document_pdf_store(model_label: str, pk: int) -> IssuedDocument:
    """Render the document's PDF from its snapshot, finalise it (stamp, sign, register: `finalise`) and store it,
    unless a PDF is already stored."""
    model = apps.get_model(model_label)
    document = model.objects.get(pk=pk)
    if document.render_status == RenderStatus.RENDERED:
        return document
    # Render, stamp and sign outside the transaction: holding a row lock (on SQLite, the whole database) for
    # the tenth of a second reportlab and the signature need would make every other writer wait.
    try:
        final, error = pdf_finalise(document, document.build_pdf()), ""
    except Exception as exc:
        logger.exception("Rendering %s %s failed", model_label, document.document_number)
        final, error = None, f"{type(exc).__name__}: {exc}"
    with transaction.atomic():
        # A worker's retry and the sweep may render the same document at once; the lock lets one store it.
        document = model.objects.select_for_update().get(pk=pk)
        if document.render_status == RenderStatus.RENDERED:
            return document
        document.render_attempts += 1
        if final is None:
            document.render_status, document.render_error = RenderStatus.FAILED, error[:2000]
            reason = "PDF rendering failed"
        else:
            final.register_and_store(document, field_name="pdf", filename=f"{model._meta.model_name}-{document.pk}.pdf")
            document.render_status, document.render_error = RenderStatus.RENDERED, ""
            reason = "PDF rendered"
        fields = ["pdf", "render_status", "render_attempts", "render_error"]
        save_attributed(document, actor=None, reason=reason, update_fields=fields)
    if final is None:
        raise DocumentRenderFailed(error)
    return document


@shared_task(bind=True, max_retries=5, acks_late=True)
def document_render(self, model_label: str, pk: int) -> str:
    """Celery: render and store one document's PDF; retried with exponential backoff on failure."""
    try:
        return document_pdf_store(model_label, pk).render_status
    except ObjectDoesNotExist:
        logger.warning("%s %s no longer exists; nothing to render", model_label, pk)
        return "missing"
    except Exception as exc:
        if self.request.is_eager:
            raise  # in-process nobody waits for a countdown; render_pending_documents retries later
        countdown = min(RETRY_BASE_SECONDS * 2**self.request.retries, RETRY_MAX_SECONDS)
        raise self.retry(exc=exc, countdown=countdown) from exc


def document_render_after_commit(document: IssuedDocument) -> None:
    """Queue the PDF for rendering once the issuing transaction has committed (call it inside it)."""
    transaction.on_commit(partial(_render_queued, document._meta.label, document.pk))


def _render_queued(model_label: str, pk: int) -> None:
    try:
        document_render.delay(model_label, pk)
    except Exception:
        # The document is committed whatever happens here, and the issuing request must not fail for
        # its PDF: in eager mode the failure is already recorded on the row; with a broker that is down,
        # the row stays pending. Either way render_pending_documents picks it up.
        logger.exception("Could not render %s %s now; left for render_pending_documents", model_label, pk)


def documents_due(
    *, max_attempts: int | None = None, pending_grace: datetime.timedelta = datetime.timedelta(0)
) -> list[tuple[str, int]]:
    """(model label, pk) of every pending or failed document to render, model by model in pk order.

    `pending_grace` leaves alone documents issued so recently that their first render may still be
    queued; failed ones are retried at once. Documents that failed `max_attempts` times are left for a
    person to look at (their render_error says why).
    """
    max_attempts = settings.MINGZE_DOCUMENT_RENDER_MAX_ATTEMPTS if max_attempts is None else max_attempts
    due = Q(render_status=RenderStatus.FAILED) | Q(
        render_status=RenderStatus.PENDING, issued_at__lte=timezone.now() - pending_grace
    )
    return [
        (model._meta.label, pk)
        for model in issued_document_models()
        for pk in model.objects.filter(due, render_attempts__lt=max_attempts)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]


def documents_render(documents: list[tuple[str, int]]) -> tuple[int, int]:
    """Render each (model label, pk) unless it is rendered meanwhile; returns (rendered, still failing)."""
    rendered = failed = 0
    for model_label, pk in documents:
        try:
            document_pdf_store(model_label, pk)
        except DocumentRenderFailed:
            failed += 1
        else:
            rendered += 1
    return rendered, failed


def documents_render_pending(
    *, max_attempts: int | None = None, pending_grace: datetime.timedelta = datetime.timedelta(0)
) -> tuple[int, int]:
    """Render every pending or failed document (`documents_due`); returns (rendered, still failing)."""
    return documents_render(documents_due(max_attempts=max_attempts, pending_grace=pending_grace))


@shared_task
def documents_render_pending_task() -> int:
    """Celery beat: the sweep behind the per-document retries, spread over the workers (arbitration.documents.spread).
    Returns the spread run's id."""
    return run_start("documents", {"pending_grace_seconds": 5 * 60}).pk
