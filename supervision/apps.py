from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_reference_data(sender, **kwargs) -> None:
    from supervision.services.reference import reference_data_ensure

    reference_data_ensure()


def _demo_seeded(sender, **kwargs) -> None:
    from supervision.demo import demo_extend

    demo_extend(**kwargs)


class SupervisionConfig(AppConfig):
    """督办: sweeps, supervision cases, letters, scorecards and discipline referrals."""

    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        # Arbitration never imports supervision: it sends signals, and supervision listens here.
        from arbitration import signals
        from arbitration.choices import Role
        from arbitration.views.home import home_page_register
        from supervision import figures, list_exports, queues, reasons, receivers  # noqa: F401 (reasons: registered)
        from supervision.checks import referral_rules_check

        checks.register(referral_rules_check)

        post_migrate.connect(_ensure_reference_data, sender=self)
        signals.ruling_refused.connect(receivers.on_ruling_refused, dispatch_uid="supervision.ruling_refused")
        signals.leader_decision_refused.connect(
            receivers.on_leader_decision_refused, dispatch_uid="supervision.leader_decision_refused"
        )
        signals.bounce_rejected.connect(receivers.on_bounce_rejected, dispatch_uid="supervision.bounce_rejected")
        signals.departments_reorganised.connect(
            receivers.on_departments_reorganised, dispatch_uid="supervision.departments_reorganised"
        )
        signals.demo_seeded.connect(_demo_seeded, dispatch_uid="supervision.demo_seeded")
        # The cockpit's daily counts follow every change they count (docs/cockpit.md); topics gather arrivals.
        signals.ticket_received.connect(receivers.on_tickets_received, dispatch_uid="supervision.ticket_received")
        signals.ticket_counts_changed.connect(
            receivers.on_ticket_counts_changed, dispatch_uid="supervision.rollups_changed"
        )
        signals.bounce_created.connect(receivers.on_bounce_created, dispatch_uid="supervision.rollups_bounce")
        signals.demo_seeded.connect(receivers.on_demo_seeded, dispatch_uid="supervision.rollups_demo")
        home_page_register(Role.CITY_LEADER, "supervision:cockpit")
        figures.register()  # open alerts by state, topics running and overdue, on the cockpit
        queues.register()  # supervision's sections of the home queues (docs/homes.md)
        list_exports.register()  # its list pages as CSV
