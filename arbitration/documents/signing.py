"""PAdES signatures on issued PDFs with the centre's certificate (pyHanko), and the demo certificate.

Settings decide: with MINGZE_SIGNING_CERT and MINGZE_SIGNING_KEY (PEM file paths) every issued PDF is signed;
without them documents are issued unsigned and the register says so (docs/documents.md, "Signing").
"""

from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Signed:
    """The signed PDF, or the PDF as it was when signing is not configured."""

    content: bytes
    signed: bool
    fingerprint: str  # SHA-256 of the signer certificate (DER), hex; empty when unsigned


def signing_configured() -> bool:
    return bool(settings.MINGZE_SIGNING_CERT and settings.MINGZE_SIGNING_KEY)


@lru_cache(maxsize=4)
def _signer(cert_path: str, key_path: str, passphrase: str):
    from pyhanko.sign import signers

    return signers.SimpleSigner.load(key_path, cert_path, key_passphrase=passphrase.encode() if passphrase else None)


def certificate_fingerprint(cert_der: bytes) -> str:
    return hashlib.sha256(cert_der).hexdigest()


def pdf_sign(pdf: bytes, *, reason: str = "明责电子公文签发") -> Signed:
    """Sign the PDF (PAdES baseline B, signing time from the clock) when a certificate is configured."""
    if not signing_configured():
        return Signed(pdf, False, "")
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    signer = _signer(
        str(settings.MINGZE_SIGNING_CERT), str(settings.MINGZE_SIGNING_KEY), settings.MINGZE_SIGNING_KEY_PASSPHRASE
    )
    meta = signers.PdfSignatureMetadata(
        field_name="MingzeSignature", reason=reason, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    output = signers.sign_pdf(writer, meta, signer=signer)
    return Signed(output.getvalue(), True, certificate_fingerprint(signer.signing_cert.dump()))


def demo_certificate_create(
    directory: Path, *, common_name: str = "明州市12345热线管理办公室（演示）"
) -> tuple[Path, Path]:
    """A self-signed certificate and its unencrypted key (PEM) for demos and tests: never for production."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Mingze demo"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "demo-cert.pem", directory / "demo-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return cert_path, key_path
