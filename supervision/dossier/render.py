"""The dossier PDF, rendered from its snapshot alone: A4 with the GB/T 9704 text block, a page number on every page.

Sections are numbered as they appear; one a snapshot does not have (older snapshots lack the ladder, the letters
and the rulings) is left out, so a stored snapshot always renders the way it rendered when it was made.
"""

from __future__ import annotations

from django.conf import settings
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageTemplate, Spacer

from arbitration.documents import layout
from arbitration.documents.fonts import fonts_register
from arbitration.documents.linebreak import CJKParagraph
from arbitration.documents.render import pdf_build
from supervision.dossier.documents import AttachedDocument

# A 64-digit SHA-256 does not fit a line of 3号 characters: it is printed smaller, on its own line.
DIGEST = ParagraphStyle("digest", parent=layout.BODY_FLUSH, fontSize=9, leading=14, leftIndent=2 * layout.CHAR)


def render_dossier(data: dict) -> bytes:
    fonts_register()
    story = [
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
    )
    present = [(heading, build(data[key])) for heading, key, build in sections if key in data]
    for position, (heading, flowables) in enumerate(present, start=1):
        story.append(CJKParagraph(layout.heading_numbered(heading, position), layout.HEADING_1))
        story += flowables
    return _build(story, title=data["title"])


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


def _build(story: list, *, title: str) -> bytes:
    def every_page(canvas, doc) -> None:
        layout.draw_page_number(canvas, doc.page)

    every = PageTemplate("every", [layout.body_frame()], onPage=every_page)
    return pdf_build(story, [every], title=title, author=settings.MINGZE_SUPERVISION_ISSUER_NAME)
