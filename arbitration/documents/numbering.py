"""Gapless document numbers (文号) such as 明责督〔2026〕12号, shared by every app that issues documents."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.models import DocumentSequence

# The kinds of MINGZE_DOCUMENT_ISSUERS in words, for the lists that show a sequence's kind.
DOCUMENT_KIND_NAMES = {
    "ruling": _("Ruling"),
    "leader_decision": _("Leader decision"),
    "agreement": _("Agreement"),
    "reminder": _("Reminder notice"),
    "escalation": _("Supervision letter"),
    "warning": _("Warning letter"),
    "interview": _("Interview notice"),
    "referral": _("Referral letter"),
    "legal_handoff": _("Legal hand-off letter"),
    "procuratorate_referral": _("Lead referral letter"),
    "bulletin": _("Score bulletin"),
    "dossier": _("Referral dossier"),
    "topic_report": _("Topic closing report"),
    "surge_bulletin": _("Surge risk bulletin"),
    "daily_report": _("Daily report"),
}


@transaction.atomic
def document_number_allocate(*, issuer_code: str, kind: str, year: int) -> str:
    """Next number for issuer/kind/year; it rolls back with the caller, so no gaps appear.

    The sequence row stays locked until the caller's transaction ends: a second issuer of the same kind
    waits here rather than drawing a number the first one might still give back by rolling back.
    """
    sequence, _created = DocumentSequence.objects.select_for_update().get_or_create(
        issuer_code=issuer_code, kind=kind, year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return document_number_format(issuer_code=issuer_code, year=year, sequence=sequence.last)


def document_number_format(*, issuer_code: str, year: int, sequence: int) -> str:
    """GB/T 9704: issuer code, year in 〔〕, the sequence without 第 and without leading zeros, 号."""
    return f"{issuer_code}〔{year}〕{sequence}号"


def issuer_code_for(kind: str) -> str:
    """The issuer code of a document kind, from settings.MINGZE_DOCUMENT_ISSUERS."""
    try:
        return settings.MINGZE_DOCUMENT_ISSUERS[kind]
    except KeyError:
        raise ImproperlyConfigured(f"MINGZE_DOCUMENT_ISSUERS has no issuer code for document kind {kind!r}") from None


def document_number_issue(*, kind: str, year: int | None = None) -> str:
    """The next number for a document kind, with its configured issuer code, in this (local) year."""
    year = timezone.localdate().year if year is None else year
    return document_number_allocate(issuer_code=issuer_code_for(kind), kind=kind, year=year)
