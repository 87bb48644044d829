"""The CJK fonts are found through fontconfig or Debian's paths, and a missing one says what to install."""

import pytest
from reportlab.pdfbase import pdfmetrics

from arbitration.documents.fonts import HEI, KAI, SONG, FontMissing, FontSource, fonts_register


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
