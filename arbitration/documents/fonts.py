"""Embedded CJK TrueType fonts in the roles GB/T 9704 asks for, registered once per process.

The official 公文 fonts (方正小标宋, 仿宋_GB2312, 黑体, 楷体_GB2312) are proprietary, so free Debian fonts
stand in with the same roles (DOMAIN.md §7). They are TrueType outlines, which reportlab can embed
and subset; CFF fonts (Noto CJK, Source Han) would be refused.
"""

import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# Role names used by layout.py; the PDF shows these names (subset-prefixed) in its font resources.
SONG = "MingzeSong"  # 宋体 / 仿宋 role: body text, page numbers (AR PL UMing, a Ming = Song serif)
KAI = "MingzeKai"  # 楷体 role: "（一）" headings (AR PL UKai)
HEI = "MingzeHei"  # 黑体 role: "一、" headings, attendance labels, <b> (WenQuanYi Zen Hei)


class FontMissing(RuntimeError):
    """A CJK font needed to render official documents is not installed."""


@dataclass(frozen=True)
class FontSource:
    role: str
    family: str  # what fc-match is asked for, and what its answer must name
    known_path: str  # Debian's path, used when fontconfig is absent or answers with another family
    package: str  # the Debian package that ships it, for the error message

    def locate(self) -> tuple[Path, int]:
        """The font file and the index of the wanted face inside a .ttc collection."""
        found = _fc_match(self.family)
        if found is not None:
            return found
        path = Path(self.known_path)
        if path.exists():
            return path, 0  # index 0 is the CN (Simplified Chinese) face in all three collections
        raise FontMissing(
            f"Font for role {self.role} not found: fc-match does not know {self.family!r} and "
            f"{self.known_path} does not exist. Install the Debian package {self.package}."
        )


SOURCES = (
    FontSource(SONG, "AR PL UMing CN", "/usr/share/fonts/truetype/arphic/uming.ttc", "fonts-arphic-uming"),
    FontSource(KAI, "AR PL UKai CN", "/usr/share/fonts/truetype/arphic/ukai.ttc", "fonts-arphic-ukai"),
    FontSource(HEI, "WenQuanYi Zen Hei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "fonts-wqy-zenhei"),
)

_lock = threading.Lock()
_registered = False


def _fc_match(family: str) -> tuple[Path, int] | None:
    """Ask fontconfig; it always answers with *some* font, so accept only the family we asked for."""
    if shutil.which("fc-match") is None:
        return None
    try:
        answer = subprocess.run(
            ["fc-match", "-f", "%{file}\t%{index}\t%{family}", family],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, index, families = [*answer.split("\t"), "", "", ""][:3]
    if family not in families.split(",") or not Path(path).exists():
        return None
    return Path(path), int(index or 0)


def fonts_register() -> None:
    """Register the three roles and the font family (bold → 黑体, italic → 楷体). Safe to call often."""
    global _registered
    if _registered:
        return
    with _lock:  # parsing a 20 MB collection twice in two threads would only waste time
        if _registered:
            return
        for source in SOURCES:
            path, index = source.locate()
            pdfmetrics.registerFont(TTFont(source.role, str(path), subfontIndex=index))
        # <b> and <i> inside Paragraph markup pick these faces; without a family reportlab would fail.
        pdfmetrics.registerFontFamily(SONG, normal=SONG, bold=HEI, italic=KAI, boldItalic=HEI)
        pdfmetrics.registerFontFamily(HEI, normal=HEI, bold=HEI, italic=HEI, boldItalic=HEI)
        pdfmetrics.registerFontFamily(KAI, normal=KAI, bold=HEI, italic=KAI, boldItalic=HEI)
        _registered = True
