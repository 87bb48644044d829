"""Official documents shared by every app (STYLE.md §1): GB/T 9704 layout and fonts (`layout`, `fonts`),
frozen data to PDF (`render`), gapless 文号 (`numbering`), rendering after commit (`tasks`) and serving
a stored PDF (`views`). The issued-document base model is `arbitration.models.IssuedDocument`.

How an app issues a document, inside its service's transaction::

    number = document_number_issue(kind="escalation")          # locks the sequence row until commit
    data = LetterData(issuer_name=..., document_number=number, ...)
    letter = EscalationLetter.objects.create(document_number=number, issued_by=actor, data=data.to_dict(), ...)
    document_render_after_commit(letter)                       # PDF rendered once the row is committed

and its model says `def build_pdf(self): return render_letter(LetterData.from_dict(self.data))`.
"""
