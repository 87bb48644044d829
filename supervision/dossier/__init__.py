"""The referral dossier (卷宗): a snapshot of a problem's — or a ticket's — whole record, and its PDF.

The snapshot (`snapshot`) is built from the record: every ticket, one merged timeline of their domain events
and audit history with the supervision cases and letters (`timeline`), the ladder as climbed, the documents with
the SHA-256 of their stored PDFs (`documents`). It is stored with the referral; the PDF (`render`) is rendered
from it alone. What it contains is described in docs/supervision.md ("Dossier").
"""

from .render import render_dossier
from .snapshot import dossier_snapshot, referral_summary
from .timeline import TicketEntry, entry_line, merged_timeline

__all__ = [
    "TicketEntry",
    "dossier_snapshot",
    "entry_line",
    "merged_timeline",
    "referral_summary",
    "render_dossier",
]
