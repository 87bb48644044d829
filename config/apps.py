"""App configurations of libraries whose admin section needs a Chinese name (their own has none)."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    """django-axes under its purpose's name in the admin ("Axes" means nothing to an administrator)."""

    verbose_name = _("Login lockout")
