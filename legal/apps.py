from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    """法律专席: legal cases, advice, hand-offs and public-interest leads."""

    name = "legal"
    verbose_name = _("Legal desk")
