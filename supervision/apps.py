from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """督办: sweeps, supervision cases, letters, scorecards and discipline referrals."""

    name = "supervision"
    verbose_name = _("Supervision")
