"""Writes to notices (通知): sending one to a department, and a liaison marking it read."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from arbitration import access
from arbitration.errors import NotFound
from arbitration.history import real_user, save_attributed
from arbitration.models import Notice, Ticket
from arbitration.reasons import NOTICE_SENT


def notice_send(
    *, department_id: int, kind: str, ticket: Ticket | None = None, document_number: str = "", data: dict, actor
) -> Notice:
    """One notice to a department's liaisons, in the caller's transaction (it is sent only if the change commits)."""
    return save_attributed(
        Notice(department_id=department_id, ticket=ticket, kind=kind, document_number=document_number, data=data),
        actor=actor,
        reason=NOTICE_SENT.format(kind=kind),
    )


@transaction.atomic
def notice_mark_read(*, notice_id: int, actor) -> Notice:
    """A liaison of the department marks the notice read; marking it again changes nothing."""
    # Lock: two liaisons of one department may open it at the same moment; the first reader is the one kept.
    notice = access.notices_visible_to(actor, Notice.objects.select_for_update()).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound()
    if notice.read_at is None:
        notice.read_at, notice.read_by = timezone.now(), real_user(actor)
        save_attributed(notice, actor=actor, reason=gettext_noop("notice read"), update_fields=["read_at", "read_by"])
    return notice
