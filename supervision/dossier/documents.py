"""The documents a dossier carries: the letters issued about its tickets and cases, and the rulings and leader
decisions on its tickets — each with its number, issue date and the SHA-256 of its stored PDF, so that a reader
holding a copy can check it is the very file that was issued."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

from django.db.models import Q
from django.utils import timezone

from arbitration.choices import RenderStatus
from arbitration.documents.layout import date_text
from arbitration.documents.tasks import DocumentRenderFailed, document_pdf_store
from arbitration.models import IssuedDocument, LeaderDecision, Ruling, Ticket
from supervision.errors import DossierDocumentUnavailable
from supervision.models import SupervisionCase, SupervisionLetter


@dataclass(frozen=True)
class AttachedDocument:
    """One document as the dossier lists it (stored in the snapshot as a plain dict)."""

    kind: str
    number: str
    issued_on: str
    description: str
    sha256: str

    def line(self) -> str:
        return f"{self.kind} {self.number}，{self.issued_on}印发，{self.description}"


def attached_letters(tickets: list[Ticket], cases: list[SupervisionCase]) -> list[dict]:
    """Every letter issued about the tickets or their cases, in the order they were issued."""
    letters = SupervisionLetter.objects.filter(
        Q(ticket_id__in=[ticket.pk for ticket in tickets]) | Q(case_id__in=[case.pk for case in cases])
    ).order_by("issued_at", "pk")
    return [_attached(letter, letter.get_kind_display(), f"致{letter.addressee}") for letter in letters]


def attached_rulings(tickets: list[Ticket]) -> list[dict]:
    """Every ruling and leader decision on the tickets, in the order they were issued."""
    found = []
    for model, kind in ((Ruling, "职责认定书"), (LeaderDecision, "领导签批意见")):
        decisions = model.objects.filter(ticket_id__in=[ticket.pk for ticket in tickets]).select_related(
            "lead", "ticket"
        )
        found += [(decision, kind) for decision in decisions]
    found.sort(key=lambda item: (item[0].issued_at, item[0].pk))
    return [
        _attached(decision, kind, f"工单{decision.ticket.hotline_no}，主办单位{decision.lead.name}")
        for decision, kind in found
    ]


def _attached(document: IssuedDocument, kind: str, description: str) -> dict:
    return asdict(
        AttachedDocument(
            kind=str(kind),
            number=document.document_number,
            issued_on=date_text(timezone.localtime(document.issued_at).date()),
            description=description,
            sha256=stored_pdf_sha256(document),
        )
    )


def stored_pdf_sha256(document: IssuedDocument) -> str:
    """The SHA-256 of the document's stored PDF. A PDF still waiting for its after-commit render is rendered and
    stored now (from its frozen data, as it always would be), so the digest is always that of the stored file."""
    if document.render_status != RenderStatus.RENDERED:
        try:
            document = document_pdf_store(document._meta.label, document.pk)
        except DocumentRenderFailed:
            raise DossierDocumentUnavailable(number=document.document_number) from None
    with document.pdf.open("rb") as stream:
        return hashlib.sha256(stream.read()).hexdigest()
