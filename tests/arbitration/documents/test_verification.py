"""Verification of issued documents (docs/documents.md): the code, the stamp, the signature, the register and the
public page, on a sample letter issued like any document. Each real kind is checked where it is issued:
tests/arbitration/conference, tests/supervision and tests/legal (test_verification.py)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.test import Client
from pypdf import PdfReader

from arbitration.audit.chain import chain_all
from arbitration.checks import signing_configured_in_production
from arbitration.documents.layout import PAGE_WIDTH, TEXT_BOTTOM, TEXT_LEFT
from arbitration.documents.tasks import document_render_after_commit
from arbitration.documents.verification import code_normalise, pdf_stamp, verification_code
from arbitration.models import DocumentRegistration
from tests import factories

from .conftest import PARAGRAPH, letter_data
from .verification_helpers import assert_verifiable, qr_texts, squeeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(sample_letter_model, django_capture_on_commit_callbacks):
    """A sample letter issued as the services issue documents: created, then rendered after commit."""

    def issue(**changes):
        issuer = factories.user(f"issuer{DocumentRegistration.objects.count()}")
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            data = letter_data(**changes).to_dict()
            document = sample_letter_model.objects.create(
                document_number=data["document_number"], issued_by=issuer, data=data
            )
            document_render_after_commit(document)
        document.refresh_from_db()
        return document

    return issue


def test_codes_are_grouped_base32_stable_and_differ_per_document():
    code = verification_code("arbitration.Ruling", 1)
    assert code == verification_code("arbitration.ruling", 1)  # the label's case does not matter
    assert len(code) == 19 and code.count("-") == 3
    assert len({verification_code("arbitration.Ruling", pk) for pk in range(1, 200)}) == 199
    assert verification_code("arbitration.Ruling", 1) != verification_code("supervision.SupervisionLetter", 1)
    assert code_normalise(code.lower().replace("-", " ")) == code


def test_the_code_depends_on_the_key(settings):
    before = verification_code("arbitration.Ruling", 1)
    settings.MINGZE_VERIFICATION_KEY = "another key"
    assert verification_code("arbitration.Ruling", 1) != before


def test_a_signed_letter_is_verifiable_end_to_end(issued, signing):
    document = issued()
    registration = assert_verifiable(document, cert_path=signing, private=("王明", "0574-87654321"))
    assert registration.kind == "sampleletter"
    assert registration.document_number == "明责督〔2026〕12号"
    assert registration.issuer == "明州市12345政务服务便民热线管理办公室"
    assert registration.addressee == "市城市管理局"
    assert registration.issue_date.isoformat() == "2026-03-05"
    # The register is an audit table (docs/audit.md): chained, and refused any change.
    chain_all()
    registration.refresh_from_db()
    assert registration.chain_hash and registration.chain_seq
    with pytest.raises(DatabaseError), transaction.atomic():
        DocumentRegistration.objects.filter(pk=registration.pk).update(addressee="市公安局")


def test_without_a_certificate_the_document_is_stamped_registered_and_unsigned(issued):
    document = issued()
    registration = DocumentRegistration.objects.get(object_id=document.pk, kind="sampleletter")
    assert not registration.signed and registration.signer_fingerprint == ""
    with document.pdf.open("rb") as stream:
        pdf = stream.read()
    assert b"/ByteRange" not in pdf
    assert f"核验码：{registration.code}" in squeeze(PdfReader(io.BytesIO(pdf)).pages[-1].extract_text())


def test_the_stamp_is_on_the_last_page_only_in_the_bottom_margin_left_of_the_page_number(issued):
    document = issued(paragraphs=(PARAGRAPH,) * 6)  # more than one page
    with document.pdf.open("rb") as stream:
        pdf = stream.read()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    code = DocumentRegistration.objects.get(object_id=document.pk, kind="sampleletter").code
    assert code not in squeeze(reader.pages[0].extract_text()) and qr_texts(pdf, page=0) == []

    placed = []
    reader.pages[-1].extract_text(visitor_text=lambda text, cm, tm, *_: placed.append((text, tm[4], tm[5])))
    stamp_lines = [(x, y) for text, x, y in placed if "核验" in text]
    assert stamp_lines
    for x, y in stamp_lines:
        assert y < TEXT_BOTTOM - 7 * 2.835 - 14  # under the page number, itself 7 mm under the text block
        assert TEXT_LEFT < x < PAGE_WIDTH / 2  # left, clear of the page number's corner


def test_the_previous_days_seal_is_printed_when_given():
    pdf = pdf_stamp(_blank_letter(), "AAAA-BBBB-CCCC-DDDD", seal="ab" * 32)
    assert f"上日审计封存值：{'ab' * 32}" in squeeze(PdfReader(io.BytesIO(pdf)).pages[-1].extract_text())
    assert "上日审计封存值" not in squeeze(
        PdfReader(io.BytesIO(pdf_stamp(_blank_letter(), "AAAA-BBBB-CCCC-DDDD"))).pages[-1].extract_text()
    )


def _blank_letter() -> bytes:
    from arbitration.documents.render import render_letter

    return render_letter(letter_data())


def test_an_unknown_code_is_a_404_page_in_chinese_for_anyone():
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/verify/AAAA-BBBB-CCCC-DDDD")
    assert response.status_code == 404
    assert "核验码无效" in response.content.decode()
    api = Client().get("/api/v1/verify/AAAA-BBBB-CCCC-DDDD/")
    assert api.status_code == 404


def test_a_code_typed_in_lower_case_without_dashes_is_found(issued):
    document = issued()
    code = DocumentRegistration.objects.get(object_id=document.pk, kind="sampleletter").code
    assert Client().get(f"/verify/{code.replace('-', '').lower()}").status_code == 200


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("copy.pdf", b"not a pdf at all", "application/pdf"), "只能核验PDF文件"),
        (SimpleUploadedFile("copy.txt", b"hello", "text/plain"), "只能核验PDF文件"),
        (None, "请选择要核验的PDF文件"),
    ],
)
def test_a_bad_upload_is_a_form_error_in_chinese_not_a_500(issued, upload, message):
    document = issued()
    code = DocumentRegistration.objects.get(object_id=document.pk, kind="sampleletter").code
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(f"/verify/{code}", {"copy": upload} if upload else {})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "不一致" not in html
    if upload:
        upload.seek(0)
    api = Client().post(f"/api/v1/verify/{code}/", {"file": upload} if upload else {})
    assert api.status_code == 400
    if upload:
        assert message in api.content.decode()


def test_an_oversized_upload_is_refused(issued, settings):
    settings.MINGZE_VERIFY_UPLOAD_MAX_MB = 1
    document = issued()
    code = DocumentRegistration.objects.get(object_id=document.pk, kind="sampleletter").code
    big = SimpleUploadedFile("copy.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 1), "application/pdf")
    response = Client().post(f"/verify/{code}", {"copy": big})
    assert response.status_code == 400 and "超过1 MB" in response.content.decode()


def test_the_api_is_public_and_in_the_schema():
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code in (200, 401, 403)  # the schema view itself may need a login
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert "/api/v1/verify/{code}/" in paths
    assert {"get", "post"} <= set(paths["/api/v1/verify/{code}/"])


def test_production_warns_when_no_signing_certificate_is_set(settings):
    settings.MINGZE_SIGNING_CERT = settings.MINGZE_SIGNING_KEY = ""
    settings.DEBUG = False
    assert [warning.id for warning in signing_configured_in_production(None)] == ["mingze.W001"]
    settings.MINGZE_SIGNING_CERT, settings.MINGZE_SIGNING_KEY = "/x/cert.pem", "/x/key.pem"
    assert signing_configured_in_production(None) == []


def test_signing_demo_certificate_writes_a_certificate_and_prints_the_settings(tmp_path, capsys):
    call_command("signing_demo_certificate", directory=str(tmp_path))
    printed = capsys.readouterr().out
    assert (tmp_path / "demo-cert.pem").exists() and (tmp_path / "demo-key.pem").exists()
    assert f"MINGZE_SIGNING_CERT={tmp_path / 'demo-cert.pem'}" in printed


def test_the_register_is_read_only_in_the_admin(issued, administrator, client):
    document = issued()
    registration = DocumentRegistration.objects.get(object_id=document.pk, kind="sampleletter")
    client.force_login(administrator)
    assert client.get("/admin/arbitration/documentregistration/").status_code == 200
    page = client.get(f"/admin/arbitration/documentregistration/{registration.pk}/change/")
    assert page.status_code == 200 and registration.code in page.content.decode()
    client.post(f"/admin/arbitration/documentregistration/{registration.pk}/change/", {"sha256": "0" * 64})
    registration.refresh_from_db()
    assert registration.sha256 != "0" * 64
    assert client.get("/admin/arbitration/documentregistration/add/").status_code == 403
