"""GB/T 9704 letters and minutes, read back from the PDF with pypdf."""

import io
import json
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from arbitration.documents import layout
from arbitration.documents.render import LetterData, MinutesData, render_letter, render_minutes

from .conftest import PARAGRAPH, letter_data, minutes_data

MM = 72 / 25.4


@dataclass(frozen=True)
class Run:
    """One piece of text as drawn: where its baseline starts, in which font and size."""

    x: float
    y: float
    font: str
    size: float
    text: str


def runs(page) -> list[Run]:
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append(Run(x, y, str(font.get("/BaseFont", "")) if font else "", size, text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def pdf(data) -> PdfReader:
    return PdfReader(io.BytesIO(render_letter(data) if isinstance(data, LetterData) else render_minutes(data)))


def long_letter(pages_of_text: int = 3) -> LetterData:
    # 26 CJK characters per paragraph fit on one line with its 2-character indent: easy to count.
    only_cjk = "根据热线工单办理督办办法的规定请你单位认真核实依法处置并按时反馈" * 3
    return letter_data(paragraphs=(only_cjk,) * (8 * pages_of_text))


def test_letter_pdf_shows_number_addressee_title_and_date():
    text = pdf(letter_data()).pages[0].extract_text()

    assert "明责督〔2026〕12号" in text
    assert "市城市管理局：" in text
    assert "关于督促办理12345热线工单的督办函" in text
    assert "2026年3月5日" in text
    assert "明州市12345政务服务便民热线管理办公室" in text


def test_letter_page_is_a4_and_the_body_fills_the_gbt9704_text_block():
    page = pdf(long_letter()).pages[1]  # a full page of body text, no letterhead
    body = [run for run in runs(page) if run.size == layout.BODY_SIZE]
    lines = sorted({round(run.y, 1) for run in body}, reverse=True)
    line_texts = ["".join(r.text for r in body if round(r.y, 1) == y) for y in lines]

    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((595.28, 841.89), abs=0.01)
    assert min(run.x for run in body) == pytest.approx(28 * MM, abs=0.01)  # binding margin 28 mm
    text_top, text_bottom = 841.89 - 37 * MM, 841.89 - 37 * MM - 225 * MM
    assert lines[0] == pytest.approx(text_top - layout.BODY_SIZE, abs=0.1)  # first line hangs from 37 mm
    assert lines[-1] >= text_bottom
    assert len(lines) == 22  # 22 lines a page
    assert max(len(text) for text in line_texts) == 28  # of 28 characters
    assert 28 * layout.BODY_SIZE <= 156 * MM  # and 28 of them fit the 156 mm line


def test_letter_format_has_no_page_number_on_page_one_and_alternates_sides_after():
    reader = pdf(long_letter())
    first, second, third = (runs(page) for page in reader.pages[:3])
    numbers = {i: [r for r in page if "—" in r.text] for i, page in enumerate((first, second, third), start=1)}

    assert len(reader.pages) >= 3
    assert numbers[1] == []
    assert [r.text for r in numbers[2]] == ["— 2 —"] and [r.text for r in numbers[3]] == ["— 3 —"]
    assert numbers[2][0].x < 595.28 / 2 < numbers[3][0].x  # even pages left, odd pages right
    assert numbers[2][0].size == 14
    text_bottom = 841.89 - 37 * MM - 225 * MM
    assert text_bottom - numbers[2][0].y >= 7 * MM  # 7 mm below the text block


def test_letter_head_sits_30_mm_from_the_top_with_the_number_flush_right():
    page_runs = runs(pdf(letter_data()).pages[0])
    mark = next(r for r in page_runs if r.text == "明州市12345政务服务便民热线管理办公室" and r.size > 20)
    number = next(r for r in page_runs if r.text == "明责督〔2026〕12号")
    addressee = next(r for r in page_runs if r.text.startswith("市城市管理局"))

    assert 841.89 - mark.y > 30 * MM  # the mark hangs from 30 mm
    assert 841.89 - mark.y < 30 * MM + mark.size
    assert number.y < mark.y and number.x > 595.28 / 2
    assert addressee.x == pytest.approx(28 * MM, abs=0.01)  # addressee flush left


def test_fonts_are_embedded_truetype_subsets_in_their_roles():
    reader = pdf(minutes_data())
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font

    assert fonts  # and every one of them is embedded, none is a base-14 reference
    for name, font in fonts.items():
        assert font["/Subtype"] == "/TrueType"
        assert "+" in name  # a subset tag such as AAAAAA+
        assert "/FontFile2" in font["/FontDescriptor"].get_object()
    families = " ".join(fonts)
    assert "UMing" in families and "ZenHei" in families  # 宋/仿宋 role and 黑体 role


def test_user_text_is_printed_as_written_not_read_as_markup():
    data = letter_data(addressee="A<B & C>D", paragraphs=("<b>不是标记</b> & 5 < 6",))

    text = pdf(data).pages[0].extract_text()

    assert "A<B & C>D：" in text
    assert "<b>不是标记</b> & 5 < 6" in text


def test_headings_take_hei_and_kai_faces():
    page_runs = runs(pdf(letter_data(paragraphs=("一、总体要求", "（一）工作目标", PARAGRAPH))).pages[0])

    assert "ZenHei" in next(r.font for r in page_runs if r.text.startswith("一、总体要求"))
    assert "UKai" in next(r.font for r in page_runs if r.text.startswith("（一）工作目标"))
    assert "UMing" in next(r.font for r in page_runs if r.text.startswith("你单位承办"))


def test_minutes_pdf_shows_mark_number_attendance_and_decided_items():
    reader = pdf(minutes_data())
    text = "".join(page.extract_text() for page in reader.pages)
    page_runs = [run for page in reader.pages for run in runs(page)]

    assert "明州市12345热线职责争议联席会议纪要" in text
    assert "明责认〔2026〕3号" in text
    assert "一、明确主办单位" in text
    assert "海曙区人民政府为主办单位" in text
    assert "出席：市城市管理局张三、海曙区人民政府王五" in text
    assert "请假：市交通运输局孙八" in text
    assert "列席：法律顾问吴十" in text
    assert "2026年3月5日" in text
    assert "抄送：市政府办公室。" in text
    for label in ("出席", "请假", "列席"):
        assert "ZenHei" in next(r.font for r in page_runs if r.text.startswith(label))


def test_minutes_show_page_numbers_from_page_one():
    text = pdf(minutes_data()).pages[0].extract_text()

    assert "— 1 —" in text


def test_document_data_survives_a_json_round_trip():
    letter, minutes = letter_data(), minutes_data()

    assert LetterData.from_dict(json.loads(json.dumps(letter.to_dict()))) == letter
    assert MinutesData.from_dict(json.loads(json.dumps(minutes.to_dict()))) == minutes


def test_stored_data_may_carry_extra_facts_and_omit_optional_fields():
    stored = letter_data().to_dict() | {"ticket_no": "MZ20260301001"}
    del stored["cc"]

    assert LetterData.from_dict(stored).cc == ()


def test_the_same_snapshot_renders_the_same_bytes():
    assert render_letter(letter_data()) == render_letter(letter_data())
