from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_reference_data(sender, **kwargs) -> None:
    from arbitration.services.reference import reference_data_ensure

    reference_data_ensure()


class ArbitrationConfig(AppConfig):
    """明责·仲裁: the city model, calendar, tickets, graph, bounces, disputes, conference and documents."""

    name = "arbitration"
    verbose_name = _("Arbitration")

    def ready(self) -> None:
        post_migrate.connect(_ensure_reference_data, sender=self)
