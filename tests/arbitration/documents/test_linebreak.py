"""避头尾 line breaking: property tests over random Chinese text with punctuation, on the pure rule and on the
reportlab Paragraph that uses it."""

import io

import pdfplumber
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import PageTemplate
from reportlab.platypus.paragraph import Paragraph

from arbitration.documents import layout
from arbitration.documents.fonts import SONG, fonts_register
from arbitration.documents.linebreak import CANNOT_END, CANNOT_START, CJKParagraph, line_spans
from arbitration.documents.render import pdf_build

HANZI = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而"
CLOSING = ("，", "。", "、", "；", "：", "？", "！", "）", "》", "”", "’", "」", "】", "……", "——", "。”", "！”", "）。")
OPENING = ("（", "《", "“", "‘", "「", "【")

# A clause: maybe an opening mark, some characters (or a number), maybe closing marks. Real prose never has a
# run of marks as long as a line, which is the one case the rule cannot honour (see linebreak._best_end).
clause = st.tuples(
    st.sampled_from(("", "", "", *OPENING)),
    st.text(alphabet=HANZI, min_size=1, max_size=12),
    st.sampled_from(("", "", "12345", "MZ20260301001", "2026年3月5日")),
    st.sampled_from(("", "", *CLOSING)),
).map("".join)
prose = st.lists(clause, min_size=1, max_size=40).map("".join)


def widths_of(text: str) -> list[float]:
    return [0.5 if char.isascii() else 1.0 for char in text]


def assert_lines_obey_the_rule(lines: list[str], max_width: float) -> None:
    for number, line in enumerate(lines):
        assert line, "no empty line"
        if number:
            assert line[0] not in CANNOT_START, (number, line)
        if number < len(lines) - 1:
            assert line[-1] not in CANNOT_END, (number, line)
        assert sum(widths_of(line)) <= max_width + 1e-6, (number, line)


@given(text=prose, max_width=st.integers(min_value=6, max_value=40))
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one_and_none_overflows(text, max_width):
    spans = line_spans(text, widths_of(text), [max_width])
    lines = [text[start:end] for start, end in spans]

    assert "".join(lines) == text  # nothing lost, nothing repeated
    assert_lines_obey_the_rule(lines, max_width)


@given(text=prose, first=st.integers(min_value=6, max_value=40), rest=st.integers(min_value=6, max_value=40))
def test_each_line_keeps_to_its_own_width(text, first, rest):
    spans = line_spans(text, widths_of(text), [first, rest])
    lines = [text[start:end] for start, end in spans]

    assert_lines_obey_the_rule(lines[:1], first)
    assert all(sum(widths_of(line)) <= rest + 1e-6 for line in lines[1:])


def test_a_mark_that_would_overflow_pulls_the_character_before_it_down():
    text = "一二三四五，六七"  # "，" would be the 6th character of a 5-character line
    spans = line_spans(text, widths_of(text), [5])

    assert [text[s:e] for s, e in spans] == ["一二三四", "五，六七"]


def test_an_opening_mark_moves_down_with_what_it_opens():
    text = "一二三四（五六"
    spans = line_spans(text, widths_of(text), [5])

    assert [text[s:e] for s, e in spans] == ["一二三四", "（五六"]


def test_a_hard_line_break_ends_the_line():
    text = "一二三四五六"
    assert line_spans(text, widths_of(text), [10], frozenset({1})) == [(0, 2), (2, 6)]


def test_reportlab_alone_lets_a_comma_start_a_line_which_is_why_the_rule_exists():
    fonts_register()
    text = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八，九十"  # the comma is the 29th character
    # One run of text takes reportlab's single-fragment path: lines are (extra space, [text]) pairs.
    lines = ["".join(words) for _, words in Paragraph(text, layout.BODY_FLUSH).breakLinesCJK([layout.TEXT_WIDTH]).lines]
    ours = [
        "".join(word.text for word in line.words)
        for line in CJKParagraph(layout.markup(text), layout.BODY_FLUSH).breakLinesCJK([layout.TEXT_WIDTH]).lines
    ]

    assert lines[1][0] == "，"
    assert ours[1][0] not in CANNOT_START
    assert stringWidth(ours[0], SONG, layout.BODY_SIZE) <= layout.TEXT_WIDTH


@given(text=prose)
def test_body_paragraphs_obey_the_rule_at_the_real_font_and_width(text):
    fonts_register()
    paragraph = CJKParagraph(layout.markup(text), layout.BODY)
    paragraph.wrap(layout.TEXT_WIDTH, 10_000)
    lines = ["".join(word.text for word in line.words) for line in paragraph.blPara.lines]

    assert "".join(lines) == text
    for number, line in enumerate(lines):
        indent = layout.BODY.firstLineIndent if number == 0 else 0
        assert stringWidth(line, SONG, layout.BODY_SIZE) <= layout.TEXT_WIDTH - indent + 1e-6
        assert number == 0 or line[0] not in CANNOT_START
        assert number == len(lines) - 1 or line[-1] not in CANNOT_END


def test_a_line_ended_early_is_spread_to_the_right_edge_of_a_justified_paragraph():
    # 27 characters, then "五，": the comma may not start line 2, so "五" moves down with it and line 1 holds 27.
    text = "一二三四五六七八九十" * 2 + "一二三四五六七" + "五，" + "六七八九十" * 3
    story = [CJKParagraph(text, ParagraphStyle("flush_justified", parent=layout.BODY, firstLineIndent=0))]
    template = PageTemplate("only", [layout.body_frame()])

    pdf = pdf_build(story, [template], title="t", author="a")
    rows: dict[float, list] = {}
    for char in pdfplumber.open(io.BytesIO(pdf)).pages[0].chars:
        rows.setdefault(round(char["top"], 1), []).append(char)
    first, second = (sorted(rows[top], key=lambda c: c["x0"]) for top in sorted(rows)[:2])

    assert len(first) == 27 and second[0]["text"] == "五"
    assert first[0]["x0"] == pytest.approx(layout.TEXT_LEFT, abs=0.01)
    assert first[-1]["x1"] == pytest.approx(layout.TEXT_RIGHT, abs=0.05)  # flush right, not a character short


@settings(max_examples=25)
@given(texts=st.lists(prose, min_size=1, max_size=4))
@example(  # found on a CI run: the third paragraph's lines end in a space glyph past the block (no ink)
    texts=[
        "一一一一，一，他，以不的，为人，于来MZ20260301001。”分子……时分……一一一以来可子发出年……一一一一，一一一一一……一一一一一一一一一一一一一一一一一一一一一一一一，一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一一MZ20260301001，一一一一一一一一一一一一（一，一，一12345，（一，（一一一12345，（一，（一一一一一（一一一一一一一一一MZ20260301001",
        "一一一一一一一一一一一一一……一一一一一一一……一一一一一一一一一一一一一一一一一一一一一一一（一一一12345，",
        "一12345一一一MZ20260301001……一一一一一一一一一一一一MZ20260301001，一一一一一一一一一一一一12345，一一一一一一一一一一一一……（一一一一一一一一一MZ20260301001（一一一12345（一一一12345（一一一一一一MZ20260301001……一，一一12345，一一一一……一一一12345，（一一一一一一12345，（一一一一一一MZ20260301001，一一一，一一一一MZ20260301001，（一一一（一一一一MZ20260301001（一一一一一一一一一MZ20260301001，（一一一一一一一一一一一12345，（一一一一一一一，（一一一一一一一一一一一一MZ20260301001，（一一一",
    ]
)
def test_in_the_rendered_pdf_every_glyph_stays_in_the_block_and_every_line_obeys_the_rule(texts):
    story = [layout.body_paragraph(text) for text in texts]
    pdf = pdf_build(story, [PageTemplate("only", [layout.body_frame()])], title="t", author="a")

    for page in pdfplumber.open(io.BytesIO(pdf)).pages:
        rows: dict[float, list] = {}
        # Glyphs with ink only: reportlab's CJK line assembly can leave a space glyph after a line's last
        # character once a document is long enough; it draws nothing, so it neither overflows nor ends a line.
        for char in page.chars:
            if not char["text"].isspace():
                rows.setdefault(round(char["top"], 1), []).append(char)
        for chars in rows.values():
            line = "".join(char["text"] for char in sorted(chars, key=lambda c: c["x0"]))
            assert min(c["x0"] for c in chars) >= layout.TEXT_LEFT - 0.01, line
            assert max(c["x1"] for c in chars) <= layout.TEXT_RIGHT + 0.05, line
            assert line[-1] not in CANNOT_END, line
            # a paragraph may open with a mark ("（一）"); any other line may not
            assert line[0] not in CANNOT_START or any(text.startswith(line[:2]) for text in texts), line
