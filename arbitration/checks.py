"""System checks of arbitration's settings: signing in production (`check --deploy`) and the font files.

The font check reads only each file's header: parsing a 20 MB collection on every management command would be
slow. A file that passes here and still fails to embed is reported by the warning logged when the fonts are
registered (docs/layout.md).
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.utils.translation import gettext as _

from arbitration.documents.fonts import SETTINGS, configured_font, font_file_problem
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


@register()
def fonts_check(app_configs=None, **kwargs) -> list[Warning]:
    warnings = []
    for role, setting in SETTINGS.items():
        wanted = configured_font(role)
        if wanted is None:
            continue
        path, index = wanted
        problem = font_file_problem(path, index)
        if problem:
            warnings.append(
                Warning(
                    _("%(setting)s=%(path)s cannot be used: %(problem)s.")
                    % {
                        "setting": setting,
                        "path": path,
                        "problem": problem,
                    },
                    hint=_(
                        "Documents use the free stand-in font for this role until the setting names a TrueType file."
                    ),
                    id="mingze.W002",
                )
            )
    return warnings
