"""Embedded CJK TrueType fonts in the roles GB/T 9704 asks for, registered once per process.

The official 公文 fonts (方正小标宋, 仿宋_GB2312, 黑体, 楷体_GB2312) are proprietary, so free Debian fonts
stand in with the same roles (docs/domain.md §7). They are TrueType outlines, which reportlab can embed
and subset; CFF fonts (Noto CJK, Source Han) would be refused.

An office that holds licences for the official fonts points each role at its file with a setting
(MINGZE_FONT_TITLE, MINGZE_FONT_BODY, MINGZE_FONT_HEI, MINGZE_FONT_KAI, and *_INDEX for the face inside a .ttc);
a file that is missing or cannot be embedded falls back to the free font with a warning. See docs/layout.md.
"""

import logging
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

logger = logging.getLogger(__name__)

# Role names used by layout.py; the PDF shows the font file's own name (subset-prefixed) in its resources.
TITLE = "MingzeTitle"  # 小标宋 role: issuer marks and titles (AR PL UMing, drawn heavier: see layout.draw_heavy)
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
    FontSource(TITLE, "AR PL UMing CN", "/usr/share/fonts/truetype/arphic/uming.ttc", "fonts-arphic-uming"),
    FontSource(SONG, "AR PL UMing CN", "/usr/share/fonts/truetype/arphic/uming.ttc", "fonts-arphic-uming"),
    FontSource(KAI, "AR PL UKai CN", "/usr/share/fonts/truetype/arphic/ukai.ttc", "fonts-arphic-ukai"),
    FontSource(HEI, "WenQuanYi Zen Hei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "fonts-wqy-zenhei"),
)

# The setting that names each role's licensed file (its face index in *_INDEX), and how the log names the role.
SETTINGS = {TITLE: "MINGZE_FONT_TITLE", SONG: "MINGZE_FONT_BODY", HEI: "MINGZE_FONT_HEI", KAI: "MINGZE_FONT_KAI"}
ROLE_WORDS = {TITLE: "title (小标宋)", SONG: "body (仿宋)", HEI: "hei (黑体)", KAI: "kai (楷体)"}
# First bytes of a font file reportlab can embed: TrueType outlines, alone or in a collection. b"OTTO" is CFF.
TRUETYPE_MAGIC = (b"\x00\x01\x00\x00", b"true", b"ttcf")

_lock = threading.Lock()
_registered = False
_chosen: dict[str, "ChosenFont"] = {}


@dataclass(frozen=True)
class ChosenFont:
    """The file a role was registered from, and whether it is the office's own (configured) font."""

    path: Path
    index: int
    configured: bool


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


def configured_font(role: str) -> tuple[Path, int] | None:
    """The licensed file the settings name for a role, or None when they name none."""
    from django.conf import settings

    if not settings.configured:
        return None
    name = SETTINGS[role]
    path = str(getattr(settings, name, "") or "").strip()
    return (Path(path), int(getattr(settings, f"{name}_INDEX", 0) or 0)) if path else None


def font_file_problem(path: Path, index: int) -> str:
    """Why a configured font file cannot serve, in the reader's language ("" when it can, as far as its header
    tells): it must exist, have TrueType outlines, and hold the face `index`."""
    from django.utils.translation import gettext as _

    try:
        with path.open("rb") as handle:
            header = handle.read(12)
    except OSError as error:
        return _("cannot be read (%(error)s)") % {"error": error.strerror or error}
    magic = header[:4]
    if magic == b"OTTO":
        return _("has CFF (PostScript) outlines, which cannot be embedded; use a file with TrueType outlines")
    if magic not in TRUETYPE_MAGIC:
        return _("is not a TrueType font or font collection")
    faces = int.from_bytes(header[8:12], "big") if magic == b"ttcf" else 1
    if not 0 <= index < faces:
        return _("has no face %(index)s (it holds %(faces)s)") % {"index": index, "faces": faces}
    return ""


def _register_role(source: FontSource) -> ChosenFont:
    """The configured file when it loads, else the free font; says which in the log."""
    wanted = configured_font(source.role)
    if wanted is not None:
        path, index = wanted
        with translation.override("en"):  # the log is in English whatever the site's language
            problem = font_file_problem(path, index)
        if not problem:
            try:
                pdfmetrics.registerFont(TTFont(source.role, str(path), subfontIndex=index))
            except Exception as error:  # reportlab raises TTFError, IndexError, struct.error… for a bad file
                problem = f"cannot be embedded ({error})"  # a log line, in English like the rest of the log
            else:
                return ChosenFont(path, index, configured=True)
        logger.warning(
            "%s=%s %s: the %s role falls back to the free font",
            SETTINGS[source.role],
            path,
            problem,
            ROLE_WORDS[source.role],
        )
    path, index = source.locate()
    pdfmetrics.registerFont(TTFont(source.role, str(path), subfontIndex=index))
    return ChosenFont(path, index, configured=False)


def fonts_register() -> None:
    """Register the four roles and the font family (bold → 黑体, italic → 楷体). Safe to call often."""
    global _registered
    if _registered:
        return
    with _lock:  # parsing a 20 MB collection twice in two threads would only waste time
        if _registered:
            return
        for source in SOURCES:
            chosen = _chosen[source.role] = _register_role(source)
            logger.info(
                "Documents: the %s role uses %s (face %d)%s",
                ROLE_WORDS[source.role],
                chosen.path,
                chosen.index,
                "" if chosen.configured else ", the free stand-in",
            )
        # <b> and <i> inside Paragraph markup pick these faces; without a family reportlab would fail.
        pdfmetrics.registerFontFamily(SONG, normal=SONG, bold=HEI, italic=KAI, boldItalic=HEI)
        pdfmetrics.registerFontFamily(HEI, normal=HEI, bold=HEI, italic=HEI, boldItalic=HEI)
        pdfmetrics.registerFontFamily(KAI, normal=KAI, bold=HEI, italic=KAI, boldItalic=HEI)
        _registered = True


def title_is_stand_in() -> bool:
    """The free Ming face is light: marks and titles are stroked to a 小标宋 weight only when it stands in."""
    fonts_register()
    return not _chosen[TITLE].configured


def fonts_reset_for_tests() -> None:
    """Forget the registration so that a test can register again under other settings.

    Reportlab ignores a second registration under a name it knows, so the role names are dropped from its table.
    """
    global _registered
    with _lock:
        _registered = False
        _chosen.clear()
        for role in SETTINGS:
            pdfmetrics._fonts.pop(role, None)
