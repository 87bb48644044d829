"""`manage.py check` warns about a configured font file that cannot serve its role (docs/layout.md).

Only the file's header is read: parsing a 20 MB collection on every management command would be slow. A file
that passes here and still fails to embed is reported by the warning logged when the fonts are registered.
"""

from django.core.checks import Warning, register
from django.utils.translation import gettext as _

from .fonts import SETTINGS, configured_font, font_file_problem


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
                    id="mingze.W001",
                )
            )
    return warnings
