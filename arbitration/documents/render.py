"""Frozen data in, PDF bytes out: the letter (函) and minutes (纪要) formats of GB/T 9704-2012.

Callers snapshot a document as `LetterData` / `MinutesData`, store `to_dict()` as JSON with the issued
record, and render from it; the same data always gives the same bytes (reportlab's invariant mode).
"""

import dataclasses
import datetime
import io
from typing import Any, Self

from reportlab.platypus import BaseDocTemplate, KeepTogether, PageTemplate, Spacer
from reportlab.platypus.doctemplate import NextPageTemplate

from . import layout
from .fonts import HEI, SONG, fonts_register
from .linebreak import CJKParagraph


class _Snapshot:
    """JSON round trip for the frozen document data: dates as ISO strings, tuples as lists.

    `from_dict` ignores keys it does not know, so a caller may keep its own extra facts (a due date, a
    ticket number) in the same stored JSON.
    """

    def to_dict(self) -> dict[str, Any]:
        return {field.name: _jsonable(getattr(self, field.name)) for field in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        values = {}
        for field in dataclasses.fields(cls):
            if field.name not in data:
                continue  # an optional field absent from older snapshots keeps its default
            value = data[field.name]
            values[field.name] = datetime.date.fromisoformat(value) if field.name == "issue_date" else _frozen(value)
        return cls(**values)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_jsonable(item) for item in value]
    return value


def _frozen(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value


@dataclasses.dataclass(frozen=True)
class LetterData(_Snapshot):
    """函: 督办函, 预警函, 催办通知书, 约谈通知, 移送函 and the legal desk's hand-off letters."""

    issuer_name: str  # e.g. "明州市12345政务服务便民热线管理办公室"
    document_number: str  # e.g. "明责督〔2026〕12号"
    title: str  # e.g. "关于督促办理12345热线工单的督办函"
    addressee: str  # e.g. "市城市管理局", rendered flush left with "："
    paragraphs: tuple[str, ...]  # a paragraph starting with "一、" / "（一）" gets the heading face
    issue_date: datetime.date
    attachments: tuple[str, ...] = ()  # 附件：1. …
    contact: str = ""  # 联系人及电话, printed in brackets under the date
    cc: tuple[str, ...] = ()  # 抄送


@dataclasses.dataclass(frozen=True)
class MinutesData(_Snapshot):
    """纪要: conference rulings (认定书) and leader decisions."""

    issuer_name: str  # e.g. "明州市12345热线职责争议联席会议"; the red mark adds "纪要"
    document_number: str  # e.g. "明责认〔2026〕3号"
    title: str  # e.g. "关于占道经营职责归属的认定"
    meeting_line: str  # "2026年3月5日，…召开联席会议…"
    present: tuple[str, ...]  # 出席
    absent: tuple[str, ...]  # 请假
    attending: tuple[str, ...]  # 列席
    items: tuple[tuple[str, tuple[str, ...]], ...]  # 议定事项: (heading, paragraphs)
    issue_date: datetime.date
    cc: tuple[str, ...] = ()  # 抄送
    mark: str = ""  # the red mark when it is not simply issuer_name + "纪要"

    @property
    def mark_text(self) -> str:
        if self.mark:
            return self.mark
        return self.issuer_name if self.issuer_name.endswith("纪要") else f"{self.issuer_name}纪要"


def render_letter(data: LetterData) -> bytes:
    """A letter in the 信函格式: header on page 1 only, page numbers from page 2."""
    fonts_register()
    first_top = layout.PAGE_HEIGHT - layout.letter_header_height(data.issuer_name)

    def first_page(canvas, _doc) -> None:
        layout.draw_letter_header(canvas, issuer_name=data.issuer_name, document_number=data.document_number)

    def later_page(canvas, doc) -> None:
        layout.draw_page_number(canvas, doc.page)

    body = [layout.body_paragraph(text) for text in data.paragraphs]
    closing = [
        *body[-1:],
        *_attachments(data.attachments),
        Spacer(0, 2 * layout.LINE),  # room for the seal between the last line and the signature
        layout.Signature(data.issuer_name, layout.date_text(data.issue_date)),
    ]
    if data.contact:
        closing.append(CJKParagraph(f"（{layout.markup(data.contact)}）", layout.NOTE))
    story = [
        NextPageTemplate("later"),
        layout.Title(data.title),
        Spacer(0, layout.LINE),
        CJKParagraph(f"{layout.markup(data.addressee)}：", layout.BODY_FLUSH),
        *body[:-1],
        # GB/T 9704 §7.3.5: the seal never stands on a page without body text, so the last paragraph
        # moves with the signature.
        KeepTogether(closing),
    ]
    if data.cc:
        issued_on = layout.date_text(data.issue_date)
        story.append(layout.Imprint(data.cc, issuer_name=data.issuer_name, issued_on=issued_on, ruled=False))
    templates = [
        PageTemplate("first", [layout.body_frame(first_top)], onPage=first_page),
        PageTemplate("later", [layout.body_frame()], onPage=later_page),
    ]
    return pdf_build(story, templates, title=f"{data.document_number} {data.title}", author=data.issuer_name)


def render_minutes(data: MinutesData) -> bytes:
    """Minutes in the 纪要格式: the official header on page 1, decided items, attendance, page numbers throughout."""
    fonts_register()
    issued_on = layout.date_text(data.issue_date)
    header = layout.OfficialHeader.measure(data.mark_text, data.document_number)

    def first_page(canvas, doc) -> None:
        header.draw(canvas)
        layout.draw_page_number(canvas, doc.page)

    def later_page(canvas, doc) -> None:
        layout.draw_page_number(canvas, doc.page)

    story = [NextPageTemplate("later")]
    if data.title:
        story += [layout.Title(data.title), Spacer(0, layout.LINE / 2)]
    story.append(layout.body_paragraph(data.meeting_line))
    for position, (heading, paragraphs) in enumerate(data.items, start=1):
        story.append(CJKParagraph(layout.markup(layout.heading_numbered(heading, position)), layout.HEADING_1))
        story += [layout.body_paragraph(text) for text in paragraphs]
    story.append(Spacer(0, layout.LINE))
    closing = [
        *_attendance("出席", data.present, always=True),
        *_attendance("请假", data.absent),
        *_attendance("列席", data.attending),
        Spacer(0, 2 * layout.LINE),
        layout.Signature(data.issuer_name, issued_on),
    ]
    story.append(KeepTogether(closing))  # the signature never stands alone on a page
    story.append(layout.Imprint(data.cc, issuer_name=data.issuer_name, issued_on=issued_on, ruled=True))
    templates = [
        PageTemplate("first", [layout.body_frame(header.body_top)], onPage=first_page),
        PageTemplate("later", [layout.body_frame()], onPage=later_page),
    ]
    return pdf_build(story, templates, title=f"{data.document_number} {data.mark_text}", author=data.issuer_name)


def _attachments(attachments: tuple[str, ...]) -> list:
    if not attachments:
        return []
    if len(attachments) == 1:
        return [Spacer(0, layout.LINE), CJKParagraph(f"附件：{layout.markup(attachments[0])}", layout.ATTACHMENT)]
    lines = [Spacer(0, layout.LINE)]
    for position, name in enumerate(attachments, start=1):
        prefix, style = ("附件：", layout.ATTACHMENT) if position == 1 else ("", layout.ATTACHMENT_NEXT)
        lines.append(CJKParagraph(f"{prefix}{position}. {layout.markup(name)}", style))
    return lines


def _attendance(label: str, names: tuple[str, ...], *, always: bool = False) -> list:
    if not names and not always:
        return []
    listed = layout.markup("、".join(names)) if names else "无"
    return [CJKParagraph(f'<font name="{HEI}">{label}</font>：{listed}', layout.ATTENDANCE)]


def pdf_build(story: list, templates: list, *, title: str, author: str) -> bytes:
    """The PDF bytes of `story` on A4 with the project's fonts, deterministic (for letters, minutes, dossiers)."""
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=(layout.PAGE_WIDTH, layout.PAGE_HEIGHT),
        leftMargin=layout.MARGIN_LEFT,
        rightMargin=layout.MARGIN_RIGHT,
        topMargin=layout.MARGIN_TOP,
        bottomMargin=layout.MARGIN_BOTTOM,
        title=title,
        author=author,
        creator="Mingze 明责",
        invariant=True,  # no timestamp or random id: the same snapshot gives the same bytes
        initialFontName=SONG,  # else every page names Helvetica, a font that is not embedded
        initialFontSize=layout.BODY_SIZE,
        pageTemplates=templates,
    )
    document.build(story)
    return buffer.getvalue()
