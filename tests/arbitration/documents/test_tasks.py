"""Issued documents: the PDF is rendered after commit, once; a failed render keeps the record for a retry."""

import datetime as dt
import io
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from arbitration.choices import RenderStatus
from arbitration.documents.tasks import document_pdf_store, document_render_after_commit, documents_render_pending_task
from arbitration.documents.views import document_pdf_response
from arbitration.errors import DocumentNotReady
from arbitration.models import SpreadRun
from tests import factories

from .conftest import letter_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def issuer(db):
    return factories.user("issuing_supervisor")


def issue(model, issuer, data: dict):
    """What an issuing service does: create the record and queue its PDF, in one transaction."""
    with transaction.atomic():
        document = model.objects.create(document_number=data["document_number"], issued_by=issuer, data=data)
        document_render_after_commit(document)
    return document


def broken_snapshot() -> dict:
    data = letter_data(document_number="明责督〔2026〕13号").to_dict()
    del data["title"]  # a snapshot that cannot become a LetterData: build_pdf raises
    return data


def test_the_pdf_is_rendered_and_stored_once_the_issue_commits(
    sample_letter_model, issuer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = issue(sample_letter_model, issuer, letter_data().to_dict())

    document.refresh_from_db()
    assert len(callbacks) == 1
    assert document.render_status == RenderStatus.RENDERED
    assert document.render_attempts == 1
    assert document.pdf.name.startswith("documents/arbitration/sampleletter/")
    with document.pdf.open("rb") as stored:
        assert "明责督〔2026〕12号" in PdfReader(io.BytesIO(stored.read())).pages[0].extract_text()


def test_nothing_is_rendered_when_the_issue_rolls_back(sample_letter_model, issuer, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        document_render_after_commit(
            sample_letter_model.objects.create(
                document_number="明责督〔2026〕12号", issued_by=issuer, data=letter_data().to_dict()
            )
        )
        raise RuntimeError("the letter could not be issued")

    assert callbacks == []
    assert not sample_letter_model.objects.exists()


def test_a_stored_pdf_is_never_rendered_again(sample_letter_model, issuer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = issue(sample_letter_model, issuer, letter_data().to_dict())
    document.refresh_from_db()
    stored_name = document.pdf.name
    # Even if the snapshot were tampered with, the issued PDF stays what it was.
    sample_letter_model.objects.filter(pk=document.pk).update(data=broken_snapshot())

    again = document_pdf_store(sample_letter_model._meta.label, document.pk)

    assert (again.pdf.name, again.render_attempts, again.render_status) == (stored_name, 1, RenderStatus.RENDERED)


def test_a_failed_render_keeps_the_record_marked_failed_and_a_retry_renders_it(
    sample_letter_model, issuer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = issue(sample_letter_model, issuer, broken_snapshot())  # the issue itself does not fail

    document.refresh_from_db()
    assert document.render_status == RenderStatus.FAILED
    assert document.render_attempts == 1
    assert "TypeError" in document.render_error
    assert not document.pdf

    # The cause is fixed (here: the snapshot completed); the sweep renders what failed.
    sample_letter_model.objects.filter(pk=document.pk).update(
        data=letter_data(document_number="明责督〔2026〕13号").to_dict()
    )
    out = io.StringIO()
    call_command("render_pending_documents", stdout=out)

    document.refresh_from_db()
    assert "Rendered 1 document(s); 0 still failing." in out.getvalue()
    assert document.render_status == RenderStatus.RENDERED
    assert document.render_attempts == 2
    assert document.render_error == ""


def test_the_sweep_gives_up_after_the_allowed_attempts(sample_letter_model, issuer):
    document = sample_letter_model.objects.create(
        document_number="明责督〔2026〕13号", issued_by=issuer, data=broken_snapshot()
    )

    call_command("render_pending_documents", "--max-attempts=2", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("render_pending_documents", "--max-attempts=2", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("render_pending_documents", "--max-attempts=2", stdout=io.StringIO(), stderr=io.StringIO())

    document.refresh_from_db()
    assert (document.render_status, document.render_attempts) == (RenderStatus.FAILED, 2)


def test_the_pdf_is_served_under_its_document_number(sample_letter_model, issuer):
    document = sample_letter_model.objects.create(
        document_number="明责督〔2026〕12号", issued_by=issuer, data=letter_data().to_dict()
    )

    response = document_pdf_response(document)  # still pending: rendered now, stored once

    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('明责督〔2026〕12号.pdf')}"
    assert "明责督〔2026〕12号" in PdfReader(io.BytesIO(body)).pages[0].extract_text()
    document.refresh_from_db()
    assert document.render_status == RenderStatus.RENDERED


def test_a_pdf_that_cannot_be_rendered_is_refused_with_a_domain_error(sample_letter_model, issuer):
    document = sample_letter_model.objects.create(
        document_number="明责督〔2026〕13号", issued_by=issuer, data=broken_snapshot()
    )

    with pytest.raises(DocumentNotReady):
        document_pdf_response(document)
    document.refresh_from_db()
    assert document.render_status == RenderStatus.FAILED


@override_settings(MINGZE_SPREAD_PARTITIONS=2)
def test_the_beat_task_renders_what_is_pending_spread_over_partitions_and_each_once(sample_letter_model, issuer):
    documents = [
        sample_letter_model.objects.create(
            document_number=f"明责督〔2026〕{n}号",
            issued_by=issuer,
            data=letter_data(document_number=f"明责督〔2026〕{n}号").to_dict(),
            issued_at=timezone.now() - dt.timedelta(minutes=10),
        )
        for n in (21, 22, 23)
    ]

    run = SpreadRun.objects.get(pk=documents_render_pending_task())

    assert run.partitions.count() == 2 and run.finished_at is not None
    assert run.result == {"rendered": 3, "failed": 0}
    for document in documents:
        document.refresh_from_db()
        assert (document.render_status, document.render_attempts) == (RenderStatus.RENDERED, 1)
    again = SpreadRun.objects.get(pk=documents_render_pending_task())
    assert again.partitions.count() == 0 and again.result == {"rendered": 0, "failed": 0}
