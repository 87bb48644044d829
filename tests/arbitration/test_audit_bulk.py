"""The bulk writer chains its audit rows as it writes them on PostgreSQL (docs/audit.md, "chained as written")."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from arbitration.audit.verify import run_verification
from arbitration.models import Assignment, AuditChainHead, Ticket, TicketEvent
from arbitration.services.bulk import tickets_bulk_receive
from arbitration.services.tickets import ticket_receive
from tests import factories

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the stage and the lock are PostgreSQL's")

AUDITED = (Ticket.history.model, Assignment.history.model, TicketEvent)


def _head(model) -> int:
    head = AuditChainHead.objects.filter(table=model._meta.db_table).first()
    return head.last_seq if head else 0


def test_imported_rows_arrive_chained_after_the_rows_before_them(city, dispatcher):
    ticket_receive(intake=factories.intake(city, "B0", dispatched_to=city["urban"]), actor=dispatcher, reason="x")
    before = {model: _head(model) for model in AUDITED}
    intakes = [factories.intake(city, f"B{n}", dispatched_to=city["urban"]) for n in range(1, 8)]
    result = tickets_bulk_receive(intakes, actor=dispatcher, reason="nightly import", batch_size=3)
    assert result.created == 7
    ids = list(Ticket.objects.filter(hotline_no__in=[i.hotline_no for i in intakes]).values_list("pk", flat=True))
    # The rows the bulk writer wrote (receivers of `ticket_received` may write more through the ORM, left to the
    # chainer after their commit).
    scopes = {Ticket.history.model: {"id__in": ids, "history_change_reason": "nightly import"},
              Assignment.history.model: {"ticket_id__in": ids, "history_change_reason": "nightly import"},
              TicketEvent: {"ticket_id__in": ids, "reason": "nightly import"}}  # fmt: skip
    for model, scope in scopes.items():
        rows = model.objects.filter(**scope)
        # No chainer ran (B0's rows, in this test's one transaction, still wait for theirs): the imported rows
        # were written with their links, numbered on from the table's head.
        assert not rows.filter(chain_hash__isnull=True).exists()
        seqs = sorted(rows.values_list("chain_seq", flat=True))
        assert seqs and seqs[0] == before[model] + 1
    received, dispatched = TicketEvent.objects.filter(ticket__hotline_no="B1").order_by("pk")
    assert dispatched.chain_prev == received.chain_hash and received.chain_prev == "0" * 64
    result = run_verification()
    assert result.ok, result.first_failure


def test_a_batch_rolled_back_leaves_no_hole_in_the_numbering(city, dispatcher):
    before = _head(TicketEvent)
    with pytest.raises(RuntimeError), transaction.atomic():
        tickets_bulk_receive(
            [factories.intake(city, "R1", dispatched_to=city["urban"])], actor=dispatcher, reason="import"
        )
        assert _head(TicketEvent) == before + 2
        raise RuntimeError("the caller's transaction fails after the batch")
    assert _head(TicketEvent) == before
    tickets_bulk_receive([factories.intake(city, "R2", dispatched_to=city["urban"])], actor=dispatcher, reason="i")
    assert list(
        TicketEvent.objects.filter(ticket__hotline_no="R2").order_by("chain_seq").values_list("chain_seq", flat=True)
    ) == [before + 1, before + 2]
    assert run_verification().ok
