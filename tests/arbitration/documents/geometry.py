"""Reading a rendered document back as geometry with pdfplumber: lines of glyphs, red rules, the text block.

pdfplumber (pdfminer) measures from the top of the page, in points; a glyph's box is its em square, from
`top` to `bottom`, as wide as its advance. All figures here are in those terms.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass

import pdfplumber

from arbitration.documents import layout

MM = 72 / 25.4
RED = (0.902, 0.0, 0.071)  # #E60012 as pdfplumber reports it (0–1 components)

# The text block measured from the top of the page.
BLOCK_LEFT = layout.TEXT_LEFT
BLOCK_RIGHT = layout.TEXT_RIGHT
BLOCK_TOP = layout.MARGIN_TOP
BLOCK_BOTTOM = layout.MARGIN_TOP + layout.TEXT_HEIGHT
EPSILON = 0.05  # pt: rounding in the content stream


def is_red(colour) -> bool:
    return colour is not None and len(colour) == 3 and all(abs(a - b) < 0.01 for a, b in zip(colour, RED, strict=True))


@dataclass(frozen=True)
class Line:
    """The glyphs that share a baseline on one page, left to right."""

    page: int
    chars: tuple[dict, ...]

    @property
    def text(self) -> str:
        return "".join(char["text"] for char in self.chars)

    @property
    def x0(self) -> float:
        return min(char["x0"] for char in self.chars)

    @property
    def x1(self) -> float:
        return max(char["x1"] for char in self.chars)

    @property
    def top(self) -> float:
        return min(char["top"] for char in self.chars)

    @property
    def bottom(self) -> float:
        return max(char["bottom"] for char in self.chars)

    @property
    def baseline(self) -> float:
        return self.chars[0]["matrix"][5]

    @property
    def size(self) -> float:
        return Counter(round(char["size"], 2) for char in self.chars).most_common(1)[0][0]

    @property
    def red(self) -> bool:
        return all(is_red(char["non_stroking_color"]) for char in self.chars)

    @property
    def is_page_number(self) -> bool:
        return self.size == layout.PAGE_NUMBER_SIZE and self.text.startswith("—") and self.text.endswith("—")

    @property
    def full_width_only(self) -> bool:
        """Only full-width glyphs (hanzi and Chinese marks): such a line's width counts its characters."""
        return all(not char["text"].isascii() for char in self.chars)


@dataclass
class Document:
    pages: list[pdfplumber.page.Page]
    lines: list[list[Line]]  # per page, top to bottom

    def body(self, page: int) -> list[Line]:
        """Lines of the text block on a page: not the red issuer mark, not the page number."""
        return [line for line in self.lines[page] if not line.red and not line.is_page_number]

    def all_body(self) -> list[Line]:
        return [line for page in range(len(self.pages)) for line in self.body(page)]

    def red_lines(self, page: int) -> list[Line]:
        return [line for line in self.lines[page] if line.red]

    def red_rules(self, page: int) -> list[dict]:
        return [rule for rule in self.pages[page].lines if is_red(rule.get("stroking_color"))]


def read(pdf: bytes) -> Document:
    document = pdfplumber.open(io.BytesIO(pdf))
    pages = list(document.pages)
    return Document(pages, [_lines(number, page) for number, page in enumerate(pages)])


def _lines(number: int, page) -> list[Line]:
    rows: dict[float, list[dict]] = {}
    for char in page.chars:
        if char["text"].strip():
            rows.setdefault(round(char["matrix"][5], 1), []).append(char)
    return [
        Line(number, tuple(sorted(chars, key=lambda char: char["x0"])))
        for _, chars in sorted(rows.items(), key=lambda row: -row[0])
    ]


def full_pages(document: Document) -> list[int]:
    """Pages whose text runs from the top of the block to its foot: not the first (header, title), not the last
    two (the closing lines move to the last page together with the signature, leaving the one before short)."""
    return list(range(1, len(document.pages) - 2))


def upper_edge(rule: dict) -> float:
    """pdfplumber places a stroked line at its centre; the ink reaches half the line width either side."""
    return rule["top"] - rule["linewidth"] / 2


def lower_edge(rule: dict) -> float:
    return rule["bottom"] + rule["linewidth"] / 2


def centre(line_or_rule) -> float:
    x0 = line_or_rule.x0 if isinstance(line_or_rule, Line) else line_or_rule["x0"]
    x1 = line_or_rule.x1 if isinstance(line_or_rule, Line) else line_or_rule["x1"]
    return (x0 + x1) / 2
