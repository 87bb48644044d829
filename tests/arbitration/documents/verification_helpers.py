"""What every issued document must satisfy to be verifiable by anyone (docs/documents.md), checked on the stored
file itself: the code and the QR code on its last page, a valid PAdES signature that one flipped byte breaks, the
register's digest, and the public page and API — anonymous, free of personal data, 一致 / 不一致 on uploads."""

from __future__ import annotations

import hashlib
import io
import re

import pypdfium2
import zxingcpp
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from arbitration.documents.verification import verification_code
from arbitration.models import DocumentRegistration

CODE = re.compile(r"^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$")
BASE_URL = "https://mingze.example.gov.cn"  # config.settings.test


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def qr_texts(pdf: bytes, page: int = -1) -> list[str]:
    """The QR codes on a page, decoded from the page rendered at 288 dpi (what a phone's camera would read)."""
    document = pypdfium2.PdfDocument(pdf)
    image = document[page % len(document)].render(scale=4).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]


def signature_status(pdf: bytes, cert_path):
    """pyHanko's verdict on the (only) signature, trusting the test certificate."""
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(cert_path))])
    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert len(signatures) == 1
    return validate_pdf_signature(signatures[0], context)


def one_byte_flipped(pdf: bytes) -> bytes:
    """The PDF with one byte of the signed content changed: the middle byte of the first signed range (the
    signature's /ByteRange), which still parses, so that only the digest can tell."""
    first_range = re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)", pdf)
    position = int(first_range.group(1)) // 2 if first_range else len(pdf) // 2
    return pdf[:position] + bytes([pdf[position] ^ 0x01]) + pdf[position + 1 :]


def assert_verifiable(
    document, *, field: str = "pdf", cert_path, private: tuple[str, ...] = ()
) -> DocumentRegistration:
    """Every check of issue 13 §3 on one issued document; returns its registration."""
    document.refresh_from_db()
    stored = getattr(document, field)
    assert stored, f"{document} has no stored PDF"
    with stored.open("rb") as stream:
        pdf = stream.read()

    registration = DocumentRegistration.objects.get(
        content_type=ContentType.objects.get_for_model(document), object_id=document.pk
    )
    code = registration.code
    assert CODE.match(code) and code == verification_code(document._meta.label, document.pk)

    # The stamp: the code as text and the QR code of the public address, on the last page.
    last_page = squeeze(PdfReader(io.BytesIO(pdf)).pages[-1].extract_text())
    assert f"核验码：{code}" in last_page
    assert qr_texts(pdf) == [f"{BASE_URL}/verify/{code}"]

    # The register describes the stored file itself.
    assert registration.sha256 == hashlib.sha256(pdf).hexdigest()
    assert registration.size == len(pdf)
    assert registration.signed and len(registration.signer_fingerprint) == 64

    # The PAdES signature is intact and valid; one flipped byte of the signed content breaks it.
    status = signature_status(pdf, cert_path)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    broken = signature_status(one_byte_flipped(pdf), cert_path)
    assert not broken.intact and not broken.bottom_line  # `valid` alone is the CMS signature

    # The public page, for anyone: the register's facts, no personal data.
    anonymous = Client()
    page = anonymous.get(f"/verify/{code}")
    assert page.status_code == 200
    html = page.content.decode()
    for fact in (code, registration.kind_name, registration.issuer, registration.sha256):
        assert fact in html, fact
    if registration.document_number:
        assert registration.document_number in html
    if registration.addressee:
        assert registration.addressee in html
    assert registration.issue_date.isoformat() in html
    for secret in private:
        assert secret not in html, secret

    # An upload of the stored file is 一致; the changed file 不一致.
    same = anonymous.post(f"/verify/{code}", {"copy": SimpleUploadedFile("copy.pdf", pdf, "application/pdf")})
    assert same.status_code == 200 and "一致" in same.content.decode() and "不一致" not in same.content.decode()
    changed = SimpleUploadedFile("copy.pdf", one_byte_flipped(pdf), "application/pdf")
    assert "不一致" in anonymous.post(f"/verify/{code}", {"copy": changed}).content.decode()

    # The API twin says the same.
    api = anonymous.get(f"/api/v1/verify/{code}/")
    assert api.status_code == 200
    body = api.json()
    assert body["sha256"] == registration.sha256 and body["document_number"] == registration.document_number
    for secret in private:
        assert secret not in api.content.decode(), secret
    checked = anonymous.post(f"/api/v1/verify/{code}/", {"file": SimpleUploadedFile("c.pdf", pdf, "application/pdf")})
    assert checked.status_code == 200 and checked.json()["match"] is True and checked.json()["verdict"] == "一致"
    return registration
