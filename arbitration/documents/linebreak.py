"""避头尾: where a line of Chinese text may end, and a reportlab Paragraph that breaks there.

Reportlab's CJK wrapping (`wordWrap="CJK"`, `paragraph.cjkFragSplit`) cuts at the last character that fits, knows
no 避尾 rule at all (an opening bracket may end a line), misses most full-width marks in its 避头 list (a "，" may
start a line), and when it does see a mark that may not start a line it hangs it past the right edge of the text
block. GB/T 9704 text stays inside its 156 mm block, so here the mark is never hung: the break moves back (推出)
until the next line starts with a character that may start one and this one ends with one that may end one. The
glyph handling (one `cjkU` per character, `makeCJKParaLine`) stays reportlab's; only the choice of break is ours.
See docs/layout.md.
"""

from collections.abc import Sequence

from reportlab.platypus import paragraph
from reportlab.platypus.paragraph import (
    Paragraph,
    ParaLines,
    _handleBulletWidth,
    cjkU,
    makeCJKParaLine,
)
from reportlab.rl_config import _FUZZ

# GB/T 15834 marks that close something or end a clause, and their ASCII cousins: never first on a line.
CANNOT_START = frozenset("，。、；：？！）」』】》〉〕〗〙］｝”’…—·～％‰℃°!%),.:;?]}")
# Opening marks: never last on a line.
CANNOT_END = frozenset("（「『【《〈〔〖〘［｛“‘([{")


def _is_latin(char: str) -> bool:
    """Digits and Latin letters, which read as one word ("MZ20260301001") and are not cut when avoidable."""
    return char.isascii() and char.isalnum()


def break_allowed(chars: Sequence[str], end: int) -> bool:
    """May a line end before chars[end]?"""
    return chars[end] not in CANNOT_START and chars[end - 1] not in CANNOT_END


def _keeps_word(chars: Sequence[str], end: int) -> bool:
    return not (_is_latin(chars[end - 1]) and _is_latin(chars[end]))


def _best_end(chars: Sequence[str], start: int, overflow: int) -> int:
    """Where the line that starts at `start` ends, given that chars[overflow] no longer fits.

    Prefer a break that obeys 避头尾 and keeps a Latin word whole (looking back at most half the line, as reportlab
    does for Latin); then one that obeys 避头尾; a line with no such break at all (a run of marks as long as the
    line) is cut where it is full, still inside the block.
    """
    half = start + max(1, (overflow - start) // 2)
    for end in range(overflow, half - 1, -1):
        if break_allowed(chars, end) and _keeps_word(chars, end):
            return end
    for end in range(overflow, start, -1):
        if break_allowed(chars, end):
            return end
    return max(overflow, start + 1)


def line_spans(
    chars: Sequence[str],
    widths: Sequence[float],
    max_widths: Sequence[float],
    hard_breaks: frozenset[int] = frozenset(),
) -> list[tuple[int, int]]:
    """Split characters into lines: (start, end) index pairs, every line within its width.

    `max_widths[n]` is the width of line n (the last one repeats); a line ends after any index in `hard_breaks`
    (a `<br/>`). Only a single character wider than the line can overflow it.
    """
    spans: list[tuple[int, int]] = []
    start, count = 0, len(chars)
    while start < count:
        max_width = max_widths[min(len(spans), len(max_widths) - 1)]
        used, end = 0.0, count
        for index in range(start, count):
            used += widths[index]
            if used > max_width + _FUZZ and index > start:
                end = _best_end(chars, start, index)
                break
            if index in hard_breaks:
                end = index + 1
                break
        spans.append((start, end))
        start = end
    return spans


def cjk_frag_split(frags: list, max_widths: Sequence[float], calc_bounds: bool) -> ParaLines:
    """`paragraph.cjkFragSplit` with 避头尾 breaks: one glyph per `cjkU`, lines built by reportlab's own helper."""
    glyphs = []
    for frag in frags:
        text = frag.text.decode("utf8") if isinstance(frag.text, bytes) else frag.text
        if text:
            glyphs.extend(cjkU(char, frag, "utf8") for char in text)
        else:  # an empty frag still counts: a <br/> is one
            glyphs.append(cjkU(text, frag, "utf8"))
    widths = [_width(glyph, max_widths[0]) for glyph in glyphs]
    hard = frozenset(i for i, glyph in enumerate(glyphs) if hasattr(glyph.frag, "lineBreak"))
    lines = []
    spans = line_spans(glyphs, widths, max_widths, hard)
    for number, (start, end) in enumerate(spans):
        max_width = max_widths[min(number, len(max_widths) - 1)]
        used = sum(widths[start:end])
        line_break = end - 1 in hard
        line = makeCJKParaLine(glyphs[start:end], max_width, used, max_width - used, line_break, calc_bounds)
        if not line_break and number < len(spans) - 1 and end - start > 1 and max_width - used > _FUZZ:
            # A line ended early (a mark moved down with its neighbour) is spread to the right edge when the
            # style justifies: the gap between glyphs grows by an equal share (see _justify_cjk).
            line.cjkCharSpace = (max_width - used) / (end - start - 1)
        lines.append(line)
    return ParaLines(kind=1, lines=lines)


_justify_plain = paragraph._justifyDrawParaLineX


def _justify_cjk(tx, offset, line, last=0):
    """Reportlab justifies by widening spaces, and Chinese has none: set character spacing for the line instead.

    Installed once over reportlab's justified-line drawer; lines without `cjkCharSpace` (all but ours) and last
    lines of paragraphs are drawn exactly as before.
    """
    spacing = getattr(line, "cjkCharSpace", 0)
    if not spacing or last:
        return _justify_plain(tx, offset, line, last)
    tx.setCharSpace(spacing)
    try:
        return _justify_plain(tx, offset, line, last)
    finally:
        tx.setCharSpace(0)


paragraph._justifyDrawParaLineX = _justify_cjk


def _width(glyph, max_width: float) -> float:
    width = glyph.width
    if hasattr(width, "normalizedValue"):  # an inline image sized in percent of the line
        width._normalizer = max_width
        return width.normalizedValue(max_width)
    return width


class CJKParagraph(Paragraph):
    """A Paragraph whose CJK lines break by 避头尾 and never hang a mark outside the frame.

    Use it with a `wordWrap="CJK"` style (every style in layout.py has one). Splitting across pages keeps the
    class, so a continued paragraph breaks the same way.
    """

    def breakLinesCJK(self, maxWidths):  # reportlab calls it by this name
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        self.height = 0
        _handleBulletWidth(self.bulletText, self.style, maxWidths)
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara  # the second half of a split paragraph keeps the lines already broken
        if not self.frags:
            style = self.style
            return ParaLines(
                kind=0,
                fontSize=style.fontSize,
                fontName=style.fontName,
                textColor=style.textColor,
                lines=[],
                ascent=style.fontSize,
                descent=-0.2 * style.fontSize,
            )
        auto_leading = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        return cjk_frag_split(self.frags, maxWidths, auto_leading not in ("", "off"))
