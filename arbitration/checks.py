"""System checks of arbitration's settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from arbitration.documents.signing import signing_configured


@register(Tags.security, deploy=True)
def signing_configured_in_production(app_configs, **kwargs) -> list[Warning]:
    """Production should sign what it issues: unsigned documents can still be checked against the register, but
    nobody can check a copy offline (docs/documents.md, "Signing")."""
    if settings.DEBUG or signing_configured():
        return []
    return [
        Warning(
            "Issued documents are not signed: MINGZE_SIGNING_CERT and MINGZE_SIGNING_KEY are not set.",
            hint="Set both to the centre's certificate and private key (PEM files); see docs/documents.md.",
            id="mingze.W001",
        )
    ]
