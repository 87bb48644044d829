from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    """法律专席: legal cases, advice, hand-offs and public-interest leads."""

    name = "legal"
    verbose_name = _("Legal desk")

    def ready(self) -> None:
        from arbitration import signals
        from legal import figures, home, reasons, receivers  # noqa: F401 (reasons: registered)

        signals.ticket_received.connect(receivers.on_ticket_received, dispatch_uid="legal.ticket_received")
        signals.bounce_created.connect(receivers.on_bounce_created, dispatch_uid="legal.bounce_created")
        signals.demo_seeded.connect(receivers.on_demo_seeded, dispatch_uid="legal.demo_seeded")
        post_migrate.connect(receivers.on_post_migrate, sender=self, dispatch_uid="legal.reference")
        home.register()
        figures.register()
