"""Verification codes (核验码) and the verification stamp every issued PDF carries (docs/documents.md).

A code is an HMAC of the document's model label and primary key: it is known before the PDF is rendered,
it cannot be guessed from a document number, and it never changes. The stamp — the code, a QR code of the
public verification address and the previous day's audit seal — is drawn with reportlab on a page of its own
and merged onto the last page of the rendered PDF with pypdf, so the GB/T 9704 layout code is untouched.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io

from django.conf import settings
from pypdf import PdfReader, PdfWriter
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from . import layout
from .fonts import SONG, fonts_register

CODE_GROUPS, CODE_GROUP_LENGTH = 4, 4  # 16 base32 characters = 80 bits of the HMAC

# The stamp sits in the bottom margin (35 mm), under the page number (whose top edge is 7 mm below the text
# block) and under the letter format's bottom rule (20 mm above the edge): a 16 mm QR code 3 mm above the edge,
# flush with the text block's left edge, and three small lines of text to its right.
STAMP_QR_SIZE = 16 * mm
STAMP_BOTTOM = 3 * mm
STAMP_LEFT = layout.TEXT_LEFT
STAMP_TEXT_SIZE = 6.5
STAMP_TEXT_LEADING = 9
QR_QUIET_MODULES = 4


def verification_key() -> bytes:
    """MINGZE_VERIFICATION_KEY, or a key derived from SECRET_KEY (never SECRET_KEY itself) when it is empty."""
    if settings.MINGZE_VERIFICATION_KEY:
        return settings.MINGZE_VERIFICATION_KEY.encode()
    return hashlib.sha256(f"mingze-verification:{settings.SECRET_KEY}".encode()).digest()


def verification_code(model_label: str, pk: int) -> str:
    """`7K3Q-M2XD-9PLA-4TRE`: the first 80 bits of HMAC-SHA256(key, "<app.model>:<pk>"), base32, in four groups."""
    message = f"{model_label.lower()}:{pk}".encode()
    digest = hmac.new(verification_key(), message, hashlib.sha256).digest()
    text = base64.b32encode(digest[:10]).decode()
    return "-".join(text[i : i + CODE_GROUP_LENGTH] for i in range(0, CODE_GROUPS * CODE_GROUP_LENGTH, 4))


def code_normalise(text: str) -> str:
    """What a reader typed (lower case, spaces, no dashes) as the canonical grouped code."""
    bare = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(bare[i : i + CODE_GROUP_LENGTH] for i in range(0, len(bare), CODE_GROUP_LENGTH))


def verification_url(code: str) -> str:
    return f"{settings.MINGZE_PUBLIC_BASE_URL.rstrip('/')}/verify/{code}"


def _qr_draw(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """The QR code of `text` (level M, the standard four-module quiet zone) as one filled path, a run of dark
    modules per rectangle: much lighter than reportlab's widget, which draws every module as its own shape."""
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)  # None: the smallest version that fits
    qr.addData(text)
    qr.make()
    count = qr.getModuleCount()
    module = size / (count + 2 * QR_QUIET_MODULES)
    path = canvas.beginPath()
    for row in range(count):
        column = 0
        while column < count:
            if not qr.isDark(row, column):
                column += 1
                continue
            run = column
            while run < count and qr.isDark(row, run):
                run += 1
            left = x + (QR_QUIET_MODULES + column) * module
            bottom = y + size - (QR_QUIET_MODULES + row + 1) * module
            path.rect(left, bottom, (run - column) * module, module)
            column = run
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)


def stamp_page(code: str, *, seal: str = "", width: float = layout.PAGE_WIDTH, height: float = layout.PAGE_HEIGHT):
    """A transparent page of the given size with the stamp drawn in its bottom-left margin (PDF bytes)."""
    fonts_register()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=True, pageCompression=1)
    url = verification_url(code)
    _qr_draw(canvas, url, STAMP_LEFT, STAMP_BOTTOM, STAMP_QR_SIZE)
    lines = [f"核验码：{code}", f"核验网址：{url}"]
    if seal:
        lines.append(f"上日审计封存值：{seal}")
    text_left = STAMP_LEFT + STAMP_QR_SIZE + 2 * mm
    top = STAMP_BOTTOM + STAMP_QR_SIZE - STAMP_TEXT_SIZE
    canvas.setFont(SONG, STAMP_TEXT_SIZE)
    for position, line in enumerate(lines):
        canvas.drawString(text_left, top - position * STAMP_TEXT_LEADING, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def pdf_stamp(pdf: bytes, code: str, *, seal: str = "") -> bytes:
    """The PDF with the verification stamp merged onto its last page."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    last = writer.pages[-1]
    box = last.mediabox
    stamp = PdfReader(io.BytesIO(stamp_page(code, seal=seal, width=float(box.width), height=float(box.height))))
    last.merge_page(stamp.pages[0])
    last.compress_content_streams()  # the merge writes the page's content back uncompressed
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
