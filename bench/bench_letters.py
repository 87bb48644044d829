"""Rendered letters per second through `render_letter`, beside bare reportlab drawing the same letter.

    .venv/bin/python bench/bench_letters.py                 # 200 letters each way, 3 rounds
    .venv/bin/python bench/bench_letters.py --letters 50 --rounds 5

Both sides use the same embedded TrueType fonts (registered once, outside the timing), the same text
and the same GB/T 9704 letter layout: red letterhead with double rules, number, title, addressee,
body paragraphs in a 156 × 225 mm frame, signature and date, page numbers from page 2. The bare side
is hand-written canvas/platypus code with no Mingze helpers. Goal (issue 5): render_letter ≥ 0.7 × bare.
Each round times the two sides alternately and the best round of each counts, to damp noise from
other work on the machine.
"""

from __future__ import annotations

import argparse
import datetime
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer
from reportlab.platypus.doctemplate import NextPageTemplate

from arbitration.documents.fonts import HEI, KAI, SONG, fonts_register
from arbitration.documents.render import LetterData, render_letter

ISSUER = "明州市12345政务服务便民热线管理办公室"
NUMBER = "明责督〔2026〕12号"
TITLE = "关于督促办理12345热线工单的督办函"
ADDRESSEE = "市城市管理局"
PARAGRAPHS = (
    "你单位承办的12345热线工单（编号：MZ20260301001，诉求人反映海曙区中山西路88号附近夜间占道经营、"
    "油烟扰民问题）已超过办理时限仍未办结。根据《明州市12345热线工单办理督办办法》第十二条，现予督办。",
    "一、督办事项。请于2026年3月12日前办结，并将办理结果书面反馈我办。",
    "（一）核实情况。组织执法力量到现场核实，查明经营主体和油烟排放情况。",
    "（二）依法处置。对违法占道经营行为依法查处，对油烟排放不达标的督促整改。",
    "二、工作要求。请你单位高度重视，明确责任人员，逾期未办结的，将按规定提请重点督办。",
)
DATE = datetime.date(2026, 3, 5)


def letter() -> LetterData:
    return LetterData(
        issuer_name=ISSUER,
        document_number=NUMBER,
        title=TITLE,
        addressee=ADDRESSEE,
        paragraphs=PARAGRAPHS,
        issue_date=DATE,
        contact="联系人：王明，电话：0574-87654321",
    )


# --- The bare side: reportlab only ----------------------------------------------------------------
W, H = A4
LEFT, TOP, WIDTH, HEIGHT = 28 * mm, 37 * mm, 156 * mm, 225 * mm
RED = HexColor("#E60012")
LINE = HEIGHT / 22 - 0.001
BODY = ParagraphStyle(
    "b",
    fontName=SONG,
    fontSize=15.75,
    leading=LINE,
    firstLineIndent=2 * WIDTH / 28,
    alignment=TA_JUSTIFY,
    wordWrap="CJK",
)
FLUSH = ParagraphStyle("f", parent=BODY, firstLineIndent=0)
H1 = ParagraphStyle("h1", parent=BODY, fontName=HEI)
H2 = ParagraphStyle("h2", parent=BODY, fontName=KAI)
TITLE_STYLE = ParagraphStyle("t", parent=BODY, fontSize=22, leading=35, firstLineIndent=0, alignment=TA_CENTER)
RIGHT = ParagraphStyle("r", parent=FLUSH, alignment=2, rightIndent=4 * WIDTH / 28)


def bare_letter() -> bytes:
    def first(canvas, _doc):
        canvas.saveState()
        canvas.setFillColor(RED)
        canvas.setFont(SONG, 25)
        canvas.drawCentredString(LEFT + WIDTH / 2, H - 30 * mm - 22, ISSUER)
        canvas.setStrokeColor(RED)
        for y, width in ((H - 30 * mm - 25 - 4 * mm, 1.5), (H - 30 * mm - 25 - 4 * mm - 3, 0.5)):
            canvas.setLineWidth(width)
            canvas.line(W / 2 - 85 * mm, y, W / 2 + 85 * mm, y)
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(SONG, 15.75)
        canvas.drawRightString(LEFT + WIDTH, H - 30 * mm - 25 - 4 * mm - 24, NUMBER)
        canvas.restoreState()

    def later(canvas, doc):
        canvas.setFont(SONG, 14)
        text = f"— {doc.page} —"
        if doc.page % 2:
            canvas.drawRightString(LEFT + WIDTH - 14, 35 * mm - 7 * mm - 12, text)
        else:
            canvas.drawString(LEFT + 14, 35 * mm - 7 * mm - 12, text)

    buffer = io.BytesIO()
    header = 30 * mm + 25 + 4 * mm + 2 * LINE
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        invariant=True,
        initialFontName=SONG,
        pageTemplates=[
            PageTemplate(
                "first",
                [Frame(LEFT, H - TOP - HEIGHT, WIDTH, H - header - (H - TOP - HEIGHT), 0, 0, 0, 0)],
                onPage=first,
            ),
            PageTemplate("later", [Frame(LEFT, H - TOP - HEIGHT, WIDTH, HEIGHT, 0, 0, 0, 0)], onPage=later),
        ],
    )
    story = [
        NextPageTemplate("later"),
        Paragraph(TITLE, TITLE_STYLE),
        Spacer(0, LINE),
        Paragraph(f"{ADDRESSEE}：", FLUSH),
    ]
    for text in PARAGRAPHS:
        style = H1 if text.startswith("一、") or text.startswith("二、") else H2 if text.startswith("（") else BODY
        story.append(Paragraph(text, style))
    story += [
        Spacer(0, 2 * LINE),
        Paragraph(ISSUER, RIGHT),
        Paragraph("2026年3月5日", RIGHT),
        Paragraph("（联系人：王明，电话：0574-87654321）", FLUSH),
    ]
    doc.build(story)
    return buffer.getvalue()


def per_second(render, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        render()
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    fonts_register()  # once per process, as in the application; not part of either timing
    data = letter()
    render_letter(data), bare_letter()  # warm caches (glyph widths, font subsetting tables)
    ours, bare = [], []
    for _ in range(args.rounds):
        ours.append(per_second(lambda: render_letter(data), args.letters))
        bare.append(per_second(bare_letter, args.letters))
    print(f"render_letter : {max(ours):7.1f} letters/s (rounds: {', '.join(f'{v:.1f}' for v in ours)})")
    print(f"bare reportlab: {max(bare):7.1f} letters/s (rounds: {', '.join(f'{v:.1f}' for v in bare)})")
    print(f"ratio         : {max(ours) / max(bare):.2f} × (goal ≥ 0.70)")


if __name__ == "__main__":
    main()
