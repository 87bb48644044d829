"""Serving stored files: the referral dossier PDF and appeals' evidence (letters and bulletins use
arbitration.documents.views.document_pdf_response). Callers check access first."""

from django.http import FileResponse

from arbitration.errors import NotFound
from supervision.models import DisciplineReferral, ScoreAppeal
from supervision.services.referrals import referral_dossier_store


def dossier_response(referral: DisciplineReferral) -> FileResponse:
    """The stored dossier; rendered now from its snapshot if the after-commit render has not run."""
    if not referral.dossier_data:
        raise NotFound()
    if not referral.dossier_pdf:
        referral = referral_dossier_store(referral.pk)
    return FileResponse(
        referral.dossier_pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"卷宗-{referral.ticket.hotline_no}.pdf",
    )


def appeal_attachment_response(appeal: ScoreAppeal) -> FileResponse:
    """The appeal's evidence, under the name it was uploaded with."""
    return FileResponse(appeal.attachment.open("rb"), as_attachment=True, filename=appeal.attachment_name)
