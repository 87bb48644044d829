"""GB/T 9704-2012 geometry, styles and page furniture for every letter and ruling Mingze issues.

Coordinates are PDF points with the origin at the bottom-left of the page, as reportlab draws.
The frame of the body text is exactly the standard's text block (版心): 28 mm from the left
(binding) edge, 37 mm from the top, 156 mm × 225 mm, 22 lines of 28 characters. What each part
promises, and how the tests measure it, is in docs/layout.md.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor, black
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame

from .fonts import HEI, KAI, SONG, title_is_stand_in
from .fonts import TITLE as TITLE_FACE
from .linebreak import CJKParagraph

# --- Geometry (GB/T 9704-2012 §5.2) ---------------------------------------------------------------
PAGE_WIDTH, PAGE_HEIGHT = A4  # 595.28 × 841.89 pt
MARGIN_TOP = 37 * mm
MARGIN_LEFT = 28 * mm  # the binding edge
TEXT_WIDTH = 156 * mm
TEXT_HEIGHT = 225 * mm
MARGIN_RIGHT = PAGE_WIDTH - MARGIN_LEFT - TEXT_WIDTH  # 26 mm
MARGIN_BOTTOM = PAGE_HEIGHT - MARGIN_TOP - TEXT_HEIGHT  # 35 mm
TEXT_LEFT, TEXT_RIGHT = MARGIN_LEFT, MARGIN_LEFT + TEXT_WIDTH
TEXT_TOP, TEXT_BOTTOM = PAGE_HEIGHT - MARGIN_TOP, MARGIN_BOTTOM
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28

# 3号 is 16 pt in Word's rounding and 15.75 pt in the traditional 号 system. Reportlab has no character
# spacing for paragraphs, and 28 × 16 pt (448 pt) overflows the 156 mm line (442.2 pt), giving 27
# characters; 28 × 15.75 pt = 441 pt keeps the standard's 28 characters per line.
BODY_SIZE = 15.75  # 3号
TITLE_SIZE = 22  # 2号
PAGE_NUMBER_SIZE = 14  # 4号
IMPRINT_SIZE = 14  # 4号, for the 版记 (抄送, 印发)
CHAR = TEXT_WIDTH / CHARS_PER_LINE  # one character cell of the grid
# A hair under 225 mm / 22 so that float rounding never pushes the 22nd line onto the next page.
LINE = TEXT_HEIGHT / LINES_PER_PAGE - 0.001  # ≈ 28.99 pt
TITLE_LEADING = 35  # the customary fixed 35 pt line spacing of 2号 titles

RED = HexColor("#E60012")
MARK_MAX_SIZE = 30  # issuer marks are shrunk below this to fit the text block width

# Letter format (信函格式, §10.1): the mark's top edge 30 mm from the top of the page, a red double rule
# (thick over thin) 4 mm below it, and a double rule (thin over thick) 20 mm above the bottom edge.
LETTER_MARK_TOP = 30 * mm
LETTER_RULE_GAP = 4 * mm
LETTER_BOTTOM_RULE = 20 * mm
RULE_LENGTH = 170 * mm
PAGE_NUMBER_GAP = 7 * mm  # page number's top edge below the text block (§7.5)

# Official header (版头, §7.2 and the 纪要 format §10.3): the mark's top edge 35 mm below the top of the text block,
# the number two blank lines under the mark, the red separator as wide as the text block 4 mm under the number,
# the title two blank lines under the separator. See docs/layout.md.
HEADER_MARK_BELOW_TEXT_TOP = 35 * mm
HEADER_NUMBER_GAP = 2 * LINE
HEADER_RULE_GAP = 4 * mm
HEADER_RULE_WIDTH = 1.0  # pt
HEADER_TITLE_GAP = 2 * LINE
HEADER_MARK_MAX_SIZE = MARK_MAX_SIZE + 6  # the 纪要 mark is the largest text of the document

# --- Styles -----------------------------------------------------------------------------------------
BODY = ParagraphStyle(
    "body",
    fontName=SONG,
    fontSize=BODY_SIZE,
    leading=LINE,
    firstLineIndent=2 * CHAR,
    alignment=TA_JUSTIFY,
    wordWrap="CJK",
    # The grid is 22 lines a page: a paragraph's first line may be the last of a page (no orphan control), as in
    # the standard's own examples; otherwise a page would end a line short. See docs/layout.md.
    allowOrphans=1,
)
BODY_FLUSH = ParagraphStyle("body_flush", parent=BODY, firstLineIndent=0, alignment=TA_LEFT)
HEADING_1 = ParagraphStyle("heading_1", parent=BODY, fontName=HEI)  # "一、" 黑体
HEADING_2 = ParagraphStyle("heading_2", parent=BODY, fontName=KAI)  # "（一）" 楷体
TITLE = ParagraphStyle(
    "title",
    parent=BODY,
    fontName=TITLE_FACE,  # 小标宋 role; the free stand-in is drawn heavier with a stroke, see `Title`
    fontSize=TITLE_SIZE,
    leading=TITLE_LEADING,
    firstLineIndent=0,
    alignment=TA_CENTER,
)
# "附件：1. …": later items align under the first item's number, 2 + 3 characters in.
ATTACHMENT = ParagraphStyle("attachment", parent=BODY_FLUSH, leftIndent=5 * CHAR, firstLineIndent=-3 * CHAR)
ATTACHMENT_NEXT = ParagraphStyle("attachment_next", parent=BODY_FLUSH, leftIndent=5 * CHAR)
# "出席：…" — label 黑体, wrapped lines align with the first name after the colon.
ATTENDANCE = ParagraphStyle("attendance", parent=BODY_FLUSH, leftIndent=5 * CHAR, firstLineIndent=-3 * CHAR)
NOTE = ParagraphStyle("note", parent=BODY_FLUSH, leftIndent=2 * CHAR)  # （联系人及电话）
IMPRINT = ParagraphStyle(
    "imprint",
    parent=BODY_FLUSH,
    fontSize=IMPRINT_SIZE,
    leading=IMPRINT_SIZE * 1.6,
    leftIndent=4 * IMPRINT_SIZE,
    firstLineIndent=-3 * IMPRINT_SIZE,
    rightIndent=IMPRINT_SIZE,
)

_NUMERALS = "一二三四五六七八九十"
_HEADING_1 = re.compile(rf"^[{_NUMERALS}]+、")
_HEADING_2 = re.compile(rf"^（[{_NUMERALS}]+）")


def markup(text: str) -> str:
    """User text → Paragraph markup: escape `<`, `>` and `&`, keep line breaks."""
    return escape(text).replace("\n", "<br/>")


def body_paragraph(text: str) -> CJKParagraph:
    """A body paragraph; one opening with "一、" or "（一）" is a heading in 黑体 or 楷体.

    When the heading sentence is followed by more text in the same paragraph, only the sentence up to
    the first "。" takes the heading face, as 公文 practice has it.
    """
    for pattern, face in ((_HEADING_1, HEI), (_HEADING_2, KAI)):
        if pattern.match(text):
            head, stop, rest = text.partition("。")
            if stop and rest.strip():
                return CJKParagraph(f'<font name="{face}">{markup(head + stop)}</font>{markup(rest)}', BODY)
            return CJKParagraph(markup(text), HEADING_1 if face == HEI else HEADING_2)
    return CJKParagraph(markup(text), BODY)


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (headings rarely pass 99)."""
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _NUMERALS[tens - 1] + "十")
    return head + ("" if units == 0 else _NUMERALS[units - 1])


def heading_numbered(text: str, position: int) -> str:
    """Prefix "一、", "二、"… unless the caller already numbered the heading."""
    return text if _HEADING_1.match(text) else f"{chinese_numeral(position)}、{text}"


def date_text(value) -> str:
    """Arabic numerals, no leading zeros: 2026年3月5日."""
    return f"{value.year}年{value.month}月{value.day}日"


def ascent(font: str, size: float) -> float:
    return pdfmetrics.getAscent(font, size)


def descent(font: str, size: float) -> float:
    """Negative: how far the glyph box reaches under the baseline."""
    return pdfmetrics.getDescent(font, size)


def fit_size(text: str, font: str, width: float, largest: float) -> float:
    """The largest size up to `largest` at which `text` fits in `width`."""
    natural = pdfmetrics.stringWidth(text, font, 1)
    return min(largest, width / natural) if natural else largest


def draw_heavy(canvas: Canvas, x: float, y: float, text: str, *, font: str, size: float, centre: bool) -> None:
    """Red text; the free Ming face is light, so it is drawn fill+stroke to a 小标宋 weight (a licensed one is not)."""
    canvas.saveState()
    canvas.setFillColor(RED)
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(size * 0.035)
    text_object = canvas.beginText()
    text_object.setTextRenderMode(2 if title_is_stand_in() else 0)
    text_object.setFont(font, size)
    width = pdfmetrics.stringWidth(text, font, size)
    text_object.setTextOrigin(x - width / 2 if centre else x, y)
    text_object.textOut(text)
    canvas.drawText(text_object)
    canvas.restoreState()


def draw_double_rule(canvas: Canvas, y: float, *, thick_on_top: bool) -> None:
    """Two red rules, 170 mm, centred on the text block: thick 1.5 pt, thin 0.5 pt, 1.5 pt apart."""
    x0 = TEXT_LEFT + TEXT_WIDTH / 2 - RULE_LENGTH / 2
    widths = (1.5, 0.5) if thick_on_top else (0.5, 1.5)
    canvas.saveState()
    canvas.setStrokeColor(RED)
    top = y
    for width in widths:
        canvas.setLineWidth(width)
        canvas.line(x0, top - width / 2, x0 + RULE_LENGTH, top - width / 2)
        top -= width + 1.5
    canvas.restoreState()


def draw_page_number(canvas: Canvas, number: int) -> None:
    """`— 3 —` in 4号 宋体, 7 mm under the text block; odd pages right, even left, one character in."""
    text = f"— {number} —"
    baseline = TEXT_BOTTOM - PAGE_NUMBER_GAP - ascent(SONG, PAGE_NUMBER_SIZE)
    canvas.saveState()
    canvas.setFont(SONG, PAGE_NUMBER_SIZE)
    if number % 2:
        canvas.drawRightString(TEXT_RIGHT - PAGE_NUMBER_SIZE, baseline, text)
    else:
        canvas.drawString(TEXT_LEFT + PAGE_NUMBER_SIZE, baseline, text)
    canvas.restoreState()


# --- Letter format first page -------------------------------------------------------------------------
def letter_header_height(issuer_name: str) -> float:
    """From the top of the page down to where the first page's text may begin."""
    mark_size = fit_size(issuer_name, TITLE_FACE, TEXT_WIDTH, MARK_MAX_SIZE)
    mark_depth = ascent(TITLE_FACE, mark_size) - descent(TITLE_FACE, mark_size)  # top edge to lower edge
    rule_y = LETTER_MARK_TOP + mark_depth + LETTER_RULE_GAP
    return rule_y + 2 * LINE  # the rule, then the document number line, then a line's space


def draw_letter_header(canvas: Canvas, *, issuer_name: str, document_number: str) -> None:
    """Issuer mark 30 mm from the top, red double rule, number flush right, bottom double rule."""
    mark_size = fit_size(issuer_name, TITLE_FACE, TEXT_WIDTH, MARK_MAX_SIZE)
    mark_baseline = PAGE_HEIGHT - LETTER_MARK_TOP - ascent(TITLE_FACE, mark_size)
    centre = TEXT_LEFT + TEXT_WIDTH / 2
    draw_heavy(canvas, centre, mark_baseline, issuer_name, font=TITLE_FACE, size=mark_size, centre=True)
    rule_y = mark_baseline + descent(TITLE_FACE, mark_size) - LETTER_RULE_GAP
    draw_double_rule(canvas, rule_y, thick_on_top=True)
    canvas.saveState()
    canvas.setFont(SONG, BODY_SIZE)
    canvas.drawRightString(TEXT_RIGHT, rule_y - LINE + (LINE - BODY_SIZE) / 2, document_number)
    canvas.restoreState()
    # The pair is 0.5 + 1.5 + 1.5 pt deep: its lower edge lies 20 mm above the foot of the page.
    draw_double_rule(canvas, LETTER_BOTTOM_RULE + 3.5, thick_on_top=False)


# --- Official header (版头) -------------------------------------------------------------------------------
@dataclass(frozen=True)
class OfficialHeader:
    """Where the parts of an official header sit on page 1, as baselines and rule positions in points."""

    mark: str
    number: str
    mark_size: float
    mark_baseline: float
    number_baseline: float | None
    rule_y: float  # the centre of the red separator
    body_top: float  # where the first page's frame begins

    @classmethod
    def measure(cls, mark: str, number: str = "") -> "OfficialHeader":
        size = fit_size(mark, TITLE_FACE, TEXT_WIDTH, HEADER_MARK_MAX_SIZE)
        mark_top = TEXT_TOP - HEADER_MARK_BELOW_TEXT_TOP
        mark_baseline = mark_top - ascent(TITLE_FACE, size)
        bottom = mark_baseline + descent(TITLE_FACE, size)  # the mark's lower edge
        number_baseline = None
        if number:
            # The number's line starts two blank lines under the mark; its glyphs sit as a body line's do.
            number_baseline = bottom - HEADER_NUMBER_GAP - BODY_SIZE
            bottom = number_baseline + descent(SONG, BODY_SIZE)
        rule_y = bottom - HEADER_RULE_GAP - HEADER_RULE_WIDTH / 2  # its upper edge 4 mm under the number
        body_top = rule_y - HEADER_RULE_WIDTH / 2 - HEADER_TITLE_GAP
        return cls(mark, number, size, mark_baseline, number_baseline, rule_y, body_top)

    def draw(self, canvas: Canvas) -> None:
        """Red mark centred, number centred under it, red separator across the text block."""
        centre = TEXT_LEFT + TEXT_WIDTH / 2
        draw_heavy(canvas, centre, self.mark_baseline, self.mark, font=TITLE_FACE, size=self.mark_size, centre=True)
        canvas.saveState()
        if self.number_baseline is not None:
            canvas.setFont(SONG, BODY_SIZE)
            canvas.drawCentredString(centre, self.number_baseline, self.number)
        canvas.setStrokeColor(RED)
        canvas.setLineWidth(HEADER_RULE_WIDTH)
        canvas.line(TEXT_LEFT, self.rule_y, TEXT_RIGHT, self.rule_y)
        canvas.restoreState()


# --- Flowables ------------------------------------------------------------------------------------------
class Title(CJKParagraph):
    """The 2号 title in the 小标宋 role, centred; the free stand-in is stroked like the issuer mark."""

    def __init__(self, text: str) -> None:
        super().__init__(markup(text), TITLE)

    def draw(self) -> None:
        if not title_is_stand_in():
            super().draw()
            return
        canvas = self.canv
        canvas.saveState()
        canvas.setLineWidth(TITLE_SIZE * 0.03)
        canvas._code.append("2 Tr")  # fill and stroke for every glyph of the title
        super().draw()
        canvas._code.append("0 Tr")
        canvas.restoreState()


class Signature(Flowable):
    """Issuer's name over the date; the date ends four characters in from the right, the name is centred
    on the date (GB/T 9704 §7.3.5.1, the seal overlaps both) and never runs past the text block."""

    def __init__(self, issuer_name: str, issued_on: str) -> None:
        super().__init__()
        self.issuer_name, self.issued_on = issuer_name, issued_on

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, 2 * LINE

    def draw(self) -> None:
        canvas = self.canv
        baseline = LINE - BODY_SIZE  # the lower line, same grid position as a body line
        date_right = self.width - 4 * CHAR
        date_width = pdfmetrics.stringWidth(self.issued_on, SONG, BODY_SIZE)
        centre = date_right - date_width / 2
        name_width = pdfmetrics.stringWidth(self.issuer_name, SONG, BODY_SIZE)
        name_left = min(centre - name_width / 2, self.width - name_width)
        canvas.setFont(SONG, BODY_SIZE)
        canvas.drawString(max(name_left, 0), baseline + LINE, self.issuer_name)
        canvas.drawRightString(date_right, baseline, self.issued_on)


class Imprint(Flowable):
    """版记 at the foot of the last page: 抄送 and, outside the letter format, the 印发 line between rules.

    It claims the rest of the frame and draws at its bottom; if it does not fit, it asks for its own
    height, the frame moves it to a new page, and there again it sits at the bottom.
    """

    def __init__(self, cc: tuple[str, ...], *, issuer_name: str, issued_on: str, ruled: bool) -> None:
        super().__init__()
        self.ruled = ruled
        self.cc = CJKParagraph(f"抄送：{markup('，'.join(cc))}。", IMPRINT) if cc else None
        self.issued = f"{issuer_name}", f"{issued_on}印发"

    def _content_height(self, avail_width: float) -> float:
        height = self.cc.wrap(avail_width, 10_000)[1] if self.cc else 0
        return height + (IMPRINT_SIZE * 1.6 + 4 if self.ruled else 0)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.need = self._content_height(avail_width)
        self.height = avail_height if self.need <= avail_height else self.need
        return avail_width, self.height

    def split(self, avail_width: float, avail_height: float) -> list:
        return []

    def draw(self) -> None:
        canvas, y = self.canv, 0.0
        canvas.saveState()
        if self.ruled:
            self._rule(y, 1.0)
            canvas.setFont(SONG, IMPRINT_SIZE)
            baseline = y + (IMPRINT_SIZE * 1.6 - IMPRINT_SIZE) / 2 + 2
            canvas.drawString(IMPRINT_SIZE, baseline, self.issued[0])
            canvas.drawRightString(self.width - IMPRINT_SIZE, baseline, self.issued[1])
            y += IMPRINT_SIZE * 1.6 + 2
            self._rule(y, 0.5 if self.cc else 1.0)
            y += 2
        if self.cc:
            height = self.cc.wrap(self.width, 10_000)[1]
            self.cc.drawOn(canvas, 0, y)
            y += height
            if self.ruled:
                self._rule(y, 1.0)
        canvas.restoreState()

    def _rule(self, y: float, width: float) -> None:
        self.canv.setStrokeColor(black)
        self.canv.setLineWidth(width)
        self.canv.line(0, y, self.width, y)


def body_frame(first_page_top: float | None = None) -> Frame:
    """The text block as a frame without padding, so text sits exactly on the standard's margins."""
    top = TEXT_TOP if first_page_top is None else first_page_top
    return Frame(
        TEXT_LEFT,
        TEXT_BOTTOM,
        TEXT_WIDTH,
        top - TEXT_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        showBoundary=0,
    )


PageDecorator = Callable[[Canvas, object], None]
