"""Serving an issued document's stored PDF; each app's view checks access first, then calls this."""

from django.http import FileResponse

from arbitration.choices import RenderStatus
from arbitration.errors import DocumentNotReady
from arbitration.models import IssuedDocument

from .tasks import DocumentRenderFailed, document_pdf_store


def document_pdf_response(document: IssuedDocument, *, as_attachment: bool = True) -> FileResponse:
    """The stored PDF, named after the document number (明责督〔2026〕12号.pdf).

    If the first render is still queued or has failed, render it now: the snapshot is fixed, so this is
    the same PDF the task would store, and it is stored only once.
    """
    if document.render_status != RenderStatus.RENDERED:
        try:
            document = document_pdf_store(document._meta.label, document.pk)
        except DocumentRenderFailed:
            raise DocumentNotReady(document_number=document.document_number) from None
    return FileResponse(
        document.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=as_attachment,
        filename=document.pdf_filename,
    )
