"""Numbers and letter data for the legal desk's two letters (hand-off letter, procuratorate referral letter)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from arbitration.access import mask_name, mask_phone
from arbitration.documents.numbering import document_number_issue
from arbitration.models import Ticket

HANDOFF_KIND, REFERRAL_KIND = "legal_handoff", "procuratorate_referral"


def issue_date() -> dt.date:
    return timezone.localdate()


def number_allocate(kind: str, on: dt.date) -> str:
    """Next gapless 文号 for the kind (明责法〔2026〕1号 / 明责公〔2026〕1号); rolls back with the caller."""
    return document_number_issue(kind=kind, year=on.year)


def issuer_name() -> str:
    return settings.MINGZE_ISSUER_NAME


def citizen_line(ticket: Ticket, *, disclose: bool) -> str:
    """The citizen as printed on a letter: in full only when disclosure is allowed and not confidential."""
    if ticket.confidential:
        return "来电人要求对其身份保密，联系方式不予提供。"
    if not disclose:
        return f"来电人：{mask_name(ticket.citizen_name)}，联系电话：{mask_phone(ticket.citizen_phone)}（已脱敏）。"
    return f"来电人：{ticket.citizen_name}，联系电话：{ticket.citizen_phone}。"


def handoff_discloses_contact(ticket: Ticket, *, consent: bool, legal_basis: str) -> bool:
    """Whether a hand-off letter to an outside body may print the citizen's name and phone (docs/personal-data.md):
    only when the lawyer recorded the citizen's consent or a legal basis, and for a confidential ticket only with
    consent (the citizen's own word lifts their own request; a basis alone does not)."""
    return consent or (bool(legal_basis) and not ticket.confidential)


def handoff_contact_line(ticket: Ticket, *, consent: bool, legal_basis: str) -> str:
    """The citizen as the hand-off letter prints them; without disclosure the body goes through the hotline."""
    if handoff_discloses_contact(ticket, consent=consent, legal_basis=legal_basis):
        why = "经来电人同意提供" if consent else f"提供依据：{legal_basis}"
        return f"来电人：{ticket.citizen_name}，联系电话：{ticket.citizen_phone}（{why}）。"
    return (
        "来电人联系方式未经本人同意不予提供；"
        f"如需联系来电人，请致电12345热线并告知工单编号{ticket.hotline_no}，由热线转达。"
    )


def ticket_line(ticket: Ticket) -> str:
    received = timezone.localtime(ticket.received_at)
    return (
        f"{received.year}年{received.month}月{received.day}日，市民通过12345热线反映"
        f"（工单编号：{ticket.hotline_no}）：{ticket.title}。{ticket.content}"
    )
