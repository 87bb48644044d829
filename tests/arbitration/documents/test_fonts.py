"""The CJK fonts are found through fontconfig or Debian's paths, and a missing one says what to install; an office's
licensed font files serve their roles when the settings name them, and a bad one falls back with a warning."""

import io
import logging

import pdfplumber
import pytest
from django.utils import translation
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from arbitration.checks import fonts_check
from arbitration.documents.fonts import (
    HEI,
    KAI,
    SONG,
    FontMissing,
    FontSource,
    fonts_register,
    fonts_reset_for_tests,
    title_is_stand_in,
)
from arbitration.documents.render import render_minutes

from .conftest import minutes_data


def test_the_three_roles_are_registered_with_the_simplified_chinese_faces():
    fonts_register()
    fonts_register()  # a second call is free and harmless

    assert pdfmetrics.getFont(SONG).face.name == b"UMingCN"
    assert pdfmetrics.getFont(KAI).face.name == b"UKaiCN"
    assert pdfmetrics.getFont(HEI).face.name == b"WenQuanYiZenHei"


def test_a_missing_font_names_the_package_to_install(tmp_path):
    source = FontSource("MingzeNowhere", "No Such Family CN", str(tmp_path / "absent.ttc"), "fonts-nowhere")

    with pytest.raises(FontMissing, match="fonts-nowhere"):
        source.locate()


# --- The office's licensed fonts (settings MINGZE_FONT_*) ----------------------------------------------------
ZEN_HEI = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"  # stands in for a licensed 小标宋 file in these tests


@pytest.fixture
def fonts_again():
    """Register afresh under the test's settings; afterwards the next render registers the defaults again."""
    fonts_reset_for_tests()
    yield
    fonts_reset_for_tests()


def test_a_configured_font_file_serves_its_role_and_the_log_says_which(settings, fonts_again, caplog):
    settings.MINGZE_FONT_TITLE, settings.MINGZE_FONT_TITLE_INDEX = ZEN_HEI, 0
    caplog.set_level(logging.INFO, logger="arbitration.documents.fonts")

    pdf = render_minutes(minutes_data())

    mark_fonts = {char["fontname"] for char in pdfplumber.open(io.BytesIO(pdf)).pages[0].chars if char["size"] > 22}
    assert mark_fonts and all("ZenHei" in name for name in mark_fonts)  # the mark is set in the configured face
    assert pdfmetrics.getFont(SONG).face.name == b"UMingCN"  # the other roles keep the free fonts
    assert f"title (小标宋) role uses {ZEN_HEI} (face 0)" in caplog.text
    assert "body (仿宋) role uses /usr/share/fonts/truetype/arphic/uming.ttc (face 0), the free stand-in" in caplog.text
    assert not title_is_stand_in()  # a licensed 小标宋 is drawn as it is, not stroked heavier
    assert b" 2 Tr" not in PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()


def test_the_free_title_face_is_stroked_to_a_heavier_weight(fonts_again):
    pdf = render_minutes(minutes_data())

    assert title_is_stand_in()
    assert b"2 Tr" in PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()


@pytest.mark.parametrize(
    ("path", "index", "problem"),
    [
        ("/nonexistent/fzxbs.ttf", 0, "cannot be read"),
        (ZEN_HEI, 7, "has no face 7 (it holds 3)"),
        ("cff", 0, "has CFF (PostScript) outlines"),
        ("text", 0, "is not a TrueType font"),
    ],
)
def test_a_bad_font_setting_falls_back_with_a_warning_and_the_system_check_says_why(
    settings, fonts_again, caplog, tmp_path, path, index, problem
):
    if path in ("cff", "text"):
        fake = tmp_path / f"{path}.otf"
        fake.write_bytes(b"OTTO" + bytes(200) if path == "cff" else b"not a font at all")
        path = str(fake)
    settings.MINGZE_FONT_KAI, settings.MINGZE_FONT_KAI_INDEX = path, index
    caplog.set_level(logging.INFO, logger="arbitration.documents.fonts")

    fonts_register()
    with translation.override("en"):
        [warning] = fonts_check()

    assert pdfmetrics.getFont(KAI).face.name == b"UKaiCN"  # the free 楷体 serves instead
    assert f"MINGZE_FONT_KAI={path} {problem}" in caplog.text and "falls back to the free font" in caplog.text
    assert warning.id == "mingze.W002" and problem in warning.msg and "MINGZE_FONT_KAI" in warning.msg


def test_the_system_check_is_silent_when_the_settings_name_usable_files_or_none(settings):
    assert fonts_check() == []
    settings.MINGZE_FONT_HEI, settings.MINGZE_FONT_HEI_INDEX = ZEN_HEI, 2
    assert fonts_check() == []


def test_the_system_check_speaks_chinese_to_a_chinese_administrator(settings, tmp_path):
    settings.MINGZE_FONT_BODY = str(tmp_path / "absent.ttf")
    with translation.override("zh-hans"):
        [warning] = fonts_check()

    assert "无法使用：无法读取" in warning.msg and "免费替代字体" in warning.hint
