"""Receivers of arbitration's signals: two of the three ways a ticket reaches the legal desk."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from arbitration.models import Matter
from legal.choices import CaseOrigin
from legal.reasons import BOUNCED_TO_DESK
from legal.services.cases import legal_case_open, legal_cases_open_bulk

# Stored as written and translated when read (arbitration.reasons.recorded_reason).
LEGAL_MATTER_REASON = gettext_noop("legal-type matter at intake")
BOUNCE_REASON = gettext_noop("bounced as involving litigation or arbitration")


def on_ticket_received(sender, *, tickets, actor=None, **kwargs) -> None:
    """A ticket of a legal-type matter (a catalogue flag) goes to the desk as it arrives."""
    # One query per batch: `ticket.matter` would load each matter again for every ticket of a bulk import.
    legal_matters = set(
        Matter.objects.filter(legal_type=True, pk__in={ticket.matter_id for ticket in tickets}).values_list(
            "pk", flat=True
        )
    )
    legal = [ticket for ticket in tickets if ticket.matter_id in legal_matters]
    if len(legal) == 1:
        legal_case_open(ticket=legal[0], origin=CaseOrigin.LEGAL_MATTER, actor=actor, reason=LEGAL_MATTER_REASON)
    elif legal:  # the bulk importer's batch: one insert per table instead of a few per ticket
        legal_cases_open_bulk(tickets=legal, origin=CaseOrigin.LEGAL_MATTER, actor=actor, reason=LEGAL_MATTER_REASON)


def on_bounce_created(sender, *, bounce, actor=None, **kwargs) -> None:
    """A department bounced the ticket because it is in litigation or arbitration: the desk tells the route."""
    if bounce.reason.routes_to_legal_desk:
        legal_case_open(
            ticket=bounce.ticket,
            origin=CaseOrigin.BOUNCE,
            actor=actor,
            reason=BOUNCED_TO_DESK.format(explanation=bounce.explanation),
            bounce=bounce,
        )


def on_post_migrate(sender, **kwargs) -> None:
    from legal.services.reference import legal_reference_ensure

    legal_reference_ensure()


def on_demo_seeded(sender, **kwargs) -> None:
    from legal.demo import legal_demo_seed

    legal_demo_seed(**kwargs)
