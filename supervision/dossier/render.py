"""The dossier PDF, rendered from its snapshot alone: A4 with the GB/T 9704 text block, the official header (red
issuer mark, number when the snapshot has one, red separator) on page 1, a page number on every page, and the
issuer's name over the date the snapshot was frozen at the end (docs/layout.md).

Sections are numbered as they appear; one a snapshot does not have (older snapshots lack the ladder, the letters
and the rulings) is left out, so a stored snapshot always renders the way it rendered when it was made.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import KeepTogether, PageTemplate, Spacer
from reportlab.platypus.doctemplate import NextPageTemplate

from arbitration.documents import layout
from arbitration.documents.fonts import fonts_register
from arbitration.documents.linebreak import CJKParagraph
from arbitration.documents.render import pdf_build
from supervision.dossier.documents import AttachedDocument
from supervision.dossier.integrity import audit_lines

# A 64-digit SHA-256 does not fit a line of 3号 characters: it is printed smaller, on its own line.
# Its leading is a full line so that the text after it stays on the 22-line grid.
DIGEST = ParagraphStyle("digest", parent=layout.BODY_FLUSH, fontSize=9, leading=layout.LINE, leftIndent=2 * layout.CHAR)


def render_dossier(data: dict) -> bytes:
    fonts_register()
    story = [
        NextPageTemplate("later"),
        layout.Title(data["title"]),
        Spacer(0, layout.LINE / 2),
        CJKParagraph(layout.markup(data["reason"]), layout.BODY),
    ]
    if data.get("rule"):
        story.append(CJKParagraph(layout.markup(data["rule"]), layout.BODY))
    sections = (
        ("工单基本情况", "facts", _lines),
        ("督办层级", "ladder", _lines),
        ("办理过程", "timeline", _lines),
        ("督办文书及核验信息", "letters", _documents),
        ("职责认定及领导签批文书及核验信息", "rulings", _documents),
        ("涉及单位", "departments", _lines),
        ("涉及人员", "people", lambda people: _lines(["、".join(people) or "—"])),
        ("审计记录核验", "audit", _audit),
    )
    present = [(heading, build(data[key])) for heading, key, build in sections if key in data]
    for position, (heading, flowables) in enumerate(present, start=1):
        story.append(CJKParagraph(layout.heading_numbered(heading, position), layout.HEADING_1))
        story += flowables
    closing = _closing(data)
    if closing:
        story.append(KeepTogether([story.pop(), *closing]))  # the signature never stands alone on a page
    return _build(story, title=data["title"], number=data.get("document_number", ""))


def _closing(data: dict) -> list:
    """The issuer's name over the date the dossier was frozen; older snapshots without that moment have none."""
    try:
        built = timezone.localtime(dt.datetime.fromisoformat(data["built_at"]))
    except (KeyError, TypeError, ValueError):
        return []
    issuer = settings.MINGZE_SUPERVISION_ISSUER_NAME
    return [Spacer(0, 2 * layout.LINE), layout.Signature(issuer, layout.date_text(built.date()))]


def _lines(lines: list[str]) -> list[CJKParagraph]:
    return [CJKParagraph(layout.markup(line), layout.BODY_FLUSH) for line in lines]


def _documents(documents: list[dict]) -> list[CJKParagraph]:
    if not documents:
        return _lines(["无。"])
    story = []
    for position, fields in enumerate(documents, start=1):
        document = AttachedDocument(**fields)
        story.append(CJKParagraph(layout.markup(f"{position}. {document.line()}"), layout.BODY_FLUSH))
        story.append(CJKParagraph(layout.markup(f"SHA-256：{document.sha256}"), DIGEST))
    return story


def _audit(audit: dict) -> list[CJKParagraph]:
    """The verification of the chains the dossier quotes, the seal they end in, and the seals since (audit.md)."""
    story = _lines(audit_lines(audit))
    if audit["seal"]:
        story.append(CJKParagraph(layout.markup(audit["seal"]["hash"]), DIGEST))
    if audit["seals"]:
        story += _lines(["日封存值清单："])
        story += [CJKParagraph(layout.markup(f"{seal['day']}　{seal['hash']}"), DIGEST) for seal in audit["seals"]]
    return story


def _build(story: list, *, title: str, number: str) -> bytes:
    issuer = settings.MINGZE_SUPERVISION_ISSUER_NAME
    header = layout.OfficialHeader.measure(issuer, number)

    def first_page(canvas, doc) -> None:
        header.draw(canvas)
        layout.draw_page_number(canvas, doc.page)

    def later_page(canvas, doc) -> None:
        layout.draw_page_number(canvas, doc.page)

    templates = [
        PageTemplate("first", [layout.body_frame(header.body_top)], onPage=first_page),
        PageTemplate("later", [layout.body_frame()], onPage=later_page),
    ]
    return pdf_build(story, templates, title=f"{number} {title}".strip(), author=issuer)
