"""The audit trail (docs/audit.md): append-only by the database, hash chains, seals, the verifier."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from rest_framework.test import APIClient

from arbitration.audit.chain import chain_all, request_mark
from arbitration.audit.registry import audit_tables, table_of
from arbitration.audit.seals import seal_day, seal_previous_day
from arbitration.audit.tasks import audit_chain_task
from arbitration.audit.triggers import audit_triggers_install, audit_triggers_present
from arbitration.audit.verify import run_verification, verify_chains
from arbitration.models import (
    AuditSeal,
    AuditVerification,
    DisputeStatement,
    DisputeTransition,
    GrantEvent,
    Ticket,
    TicketEvent,
)
from arbitration.services.tickets import ticket_receive
from tests import factories

HistoricalTicket = Ticket.history.model


def _tamper(sql: str, params=()) -> None:
    """Change audit rows the way a database superuser could: around the triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            try:
                cursor.execute(sql, params)
            finally:
                cursor.execute("SET session_replication_role = origin")
            return
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_guard_%'")
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER "{name}"')
        cursor.execute(sql, params)
    audit_triggers_install()


@pytest.fixture
def written(city, dispatcher):
    """Real writes through the services: tickets with their history and events, chained."""
    for number in ("A1", "A2", "A3"):
        ticket_receive(
            intake=factories.intake(city, number, dispatched_to=city["urban"]), actor=dispatcher, reason="intake"
        )
    ticket_receive(
        intake=factories.intake(city, "A1", dispatched_to=city["urban"], title="求助（补充）"),
        actor=dispatcher,
        reason="intake",
    )
    chain_all()
    return Ticket.objects.get(hotline_no="A1")


def test_the_registry_covers_history_events_transitions_statements_reads_and_grants(db):
    tables = {t.table: t.key for t in audit_tables()}
    assert tables[HistoricalTicket._meta.db_table] == "id"
    assert tables[TicketEvent._meta.db_table] == "ticket_id"
    assert tables[DisputeTransition._meta.db_table] == "dispute_id"
    assert tables[DisputeStatement._meta.db_table] == "dispute_id"
    assert tables[GrantEvent._meta.db_table] == "object_key"
    assert tables["legal_caseread"] == "case_id"
    assert tables["supervision_caseevent"] == "case_id"
    assert tables["supervision_referralevent"] == "referral_id"
    assert any(t.endswith("historicaldispute_parties") for t in tables)  # many-to-many history rows


def test_every_audit_table_has_its_triggers(db):
    present = audit_triggers_present()
    assert present and all(present.values()), [t for t, ok in present.items() if not ok]


def test_orm_and_raw_updates_and_deletes_are_refused(written):
    row = HistoricalTicket.objects.filter(id=written.pk).first()
    event = TicketEvent.objects.filter(ticket=written).first()
    for attempt in (
        lambda: HistoricalTicket.objects.filter(pk=row.pk).update(title="改写"),
        lambda: HistoricalTicket.objects.filter(pk=row.pk).delete(),
        lambda: TicketEvent.objects.filter(pk=event.pk).update(reason="改写"),
        lambda: event.delete(),
        lambda: connection.cursor().execute(
            f"UPDATE {HistoricalTicket._meta.db_table} SET title = 'x' WHERE history_id = %s", [row.pk]
        ),
        lambda: connection.cursor().execute(f"DELETE FROM {TicketEvent._meta.db_table} WHERE id = %s", [event.pk]),
        # Once chained, not even the chain columns move.
        lambda: connection.cursor().execute(
            f"UPDATE {TicketEvent._meta.db_table} SET chain_hash = %s WHERE id = %s", ["0" * 64, event.pk]
        ),
    ):
        with pytest.raises(DatabaseError, match=r"audit table .*refused"), transaction.atomic():
            attempt()
    seal = seal_day(dt.date(2026, 3, 2))
    with pytest.raises(DatabaseError, match="refused"), transaction.atomic():
        AuditSeal.objects.filter(pk=seal.pk).update(merkle_root="0" * 64)


def test_the_chainer_fills_each_row_once_and_chains_per_object(written):
    rows = list(HistoricalTicket.objects.filter(id=written.pk).order_by("chain_seq"))
    assert len(rows) >= 2 and all(r.chain_hash for r in rows)
    assert rows[0].chain_prev == "0" * 64
    assert rows[1].chain_prev == rows[0].chain_hash
    assert not HistoricalTicket.objects.filter(chain_hash__isnull=True).exists()
    assert chain_all() == 0


def test_a_commit_leaves_its_rows_to_the_chain_request_waiting_in_the_queue(transactional_db, city, dispatcher):
    """While a request to chain a table waits for a worker, a commit asks for nothing more: the waiting task chains
    its rows when it runs. Once that task has started, the next commit asks again (docs/audit.md). Real commits:
    the chainer runs after them."""
    table = HistoricalTicket._meta.db_table
    unchained = HistoricalTicket.objects.filter(chain_hash__isnull=True)
    chain_all()
    assert cache.add(request_mark(table), 1)  # a request already in the queue, not yet taken by a worker
    ticket_receive(intake=factories.intake(city, "Q1"), actor=dispatcher, reason="intake")
    assert list(unchained.values_list("hotline_no", flat=True)) == ["Q1"]
    assert audit_chain_task([table]) == 1  # the waiting request, taken by a worker
    ticket_receive(intake=factories.intake(city, "Q2"), actor=dispatcher, reason="intake")
    assert not unchained.exists()  # asked again, and (Celery eager here) chained at once
    assert cache.get(request_mark(table)) is None


@pytest.fixture
def published(settings):
    """Celery publishing for real, to its in-memory broker: (task name, countdown seconds or None) of each message."""
    from celery import signals

    from config.celery import app

    sent: list[tuple[str, float | None]] = []

    def record(sender=None, headers=None, **kwargs):
        eta = headers.get("eta")
        countdown = None if eta is None else (dt.datetime.fromisoformat(eta) - dt.datetime.now(dt.UTC)).total_seconds()
        sent.append((sender, countdown))

    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, "memory://"
    signals.before_task_publish.connect(record, weak=False)
    try:
        yield sent
    finally:
        signals.before_task_publish.disconnect(record)
        app.conf.task_always_eager, app.conf.broker_url = eager, broker


def test_an_ordinary_commit_asks_for_its_chain_after_the_delay_and_an_import_at_once(
    transactional_db, city, dispatcher, published, settings, tmp_path
):
    """A burst of small commits is chained once after it (MINGZE_AUDIT_CHAIN_DELAY); the import asks at once, at its
    end (docs/audit.md)."""
    settings.MINGZE_AUDIT_CHAIN_DELAY = 2.0
    cache.clear()
    ticket_receive(intake=factories.intake(city, "D1"), actor=dispatcher, reason="intake")
    ticket_receive(intake=factories.intake(city, "D2"), actor=dispatcher, reason="intake")  # the first request waits
    assert [name for name, _ in published] == ["arbitration.audit.tasks.audit_chain_task"]
    assert 1.0 < published[0][1] <= 2.0
    cache.clear()
    published.clear()
    path = tmp_path / "t.jsonl"
    path.write_text(
        '{"hotline_no": "I1", "received_at": "2026-03-02T10:00:00", "request_type": "help", '
        '"matter": "010101", "territory": "370802001001", "title": "t", "content": "c"}\n',
        encoding="utf-8",
    )
    call_command("import_tickets", str(path), "--reason", "nightly import", stdout=io.StringIO())
    assert published and published[0] == ("arbitration.audit.tasks.audit_chain_task", None)
    assert not HistoricalTicket.objects.filter(chain_hash__isnull=True).exists()  # the import ends chained


def test_chains_and_seals_verify_after_writes_through_service_api_and_import(written, city, dispatcher, tmp_path):
    client = APIClient()
    client.force_authenticate(dispatcher)
    response = client.post(
        "/api/v1/tickets/",
        {"hotline_no": "API1", "received_at": "2026-03-02T10:00:00+08:00", "request_type": "help",
         "matter": "010101", "territory": "370802001001", "title": "t", "content": "c"},
        format="json",
    )  # fmt: skip
    assert response.status_code in (200, 201), response.content
    path = tmp_path / "t.jsonl"
    path.write_text(
        '{"hotline_no": "I1", "received_at": "2026-03-02T10:00:00", "request_type": "help", '
        '"matter": "010101", "territory": "370802001001", "title": "t", "content": "c", '
        '"dispatched_to": "CGJ"}\n',
        encoding="utf-8",
    )
    call_command("import_tickets", str(path), "--reason", "nightly import", stdout=io.StringIO())
    # The import ends with every audit row chained: its own, and (in this test's one transaction, where no
    # after-commit chaining runs) the API's before it.
    assert chain_all() == 0
    assert not HistoricalTicket.objects.filter(chain_hash__isnull=True).exists()
    first = seal_day(dt.date(2026, 3, 2))
    ticket_receive(intake=factories.intake(city, "A9", dispatched_to=city["urban"]), actor=dispatcher, reason="intake")
    second = seal_day(dt.date(2026, 3, 3))
    assert first.row_count > 0 and second.row_count > 0 and second.previous_hash == first.seal_hash
    result = run_verification()
    assert result.ok, result.first_failure
    assert result.rows_checked >= first.row_count + second.row_count and result.seals_checked == 2
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue()
    assert AuditVerification.objects.latest("finished_at").ok


def test_a_history_row_changed_around_the_triggers_is_named(written):
    row = HistoricalTicket.objects.filter(id=written.pk).order_by("chain_seq").first()
    _tamper(f"UPDATE {HistoricalTicket._meta.db_table} SET title = %s WHERE history_id = %s", ["改过的标题", row.pk])
    result = run_verification()
    failure = result.first_failure
    assert failure is not None and failure.kind == "content changed"
    assert (failure.table, failure.pk, failure.key) == (HistoricalTicket._meta.db_table, row.pk, written.pk)
    with pytest.raises(CommandError, match=f"{HistoricalTicket._meta.db_table}, row pk={row.pk}"):
        call_command("audit_verify", stdout=io.StringIO())
    assert not AuditVerification.objects.latest("finished_at").ok


def test_a_row_deleted_mid_chain_is_named(written):
    first, second = HistoricalTicket.objects.filter(id=written.pk).order_by("chain_seq")[:2]
    _tamper(f"DELETE FROM {HistoricalTicket._meta.db_table} WHERE history_id = %s", [first.pk])
    failure = run_verification().first_failure
    assert failure is not None and failure.kind == "row missing"
    assert (failure.table, failure.pk, failure.key) == (HistoricalTicket._meta.db_table, second.pk, written.pk)
    assert f"chain_seq {first.chain_seq} is absent" in failure.detail


def test_a_sealed_row_deleted_at_the_end_of_the_table_breaks_the_seal_count(written):
    seal_day(dt.date(2026, 3, 2))
    table = table_of(TicketEvent).table
    last = TicketEvent.objects.order_by("-chain_seq").first()
    _tamper(f"DELETE FROM {table} WHERE id = %s", [last.pk])
    failure = run_verification().first_failure
    assert failure is not None and failure.kind == "row missing" and failure.table == table


def test_a_rechained_table_still_breaks_its_seal(written):
    seal_day(dt.date(2026, 3, 2))
    row = TicketEvent.objects.order_by("-chain_seq").first()
    # A forger rewrites the last row and recomputes its hash: the chain verifies, the seal does not.
    _tamper(f"UPDATE {TicketEvent._meta.db_table} SET reason = %s, chain_hash = NULL, chain_seq = NULL,"
            f" chain_prev = NULL WHERE id = %s", ["伪造", row.pk])  # fmt: skip
    from arbitration.models import AuditChainHead

    _tamper('UPDATE arbitration_auditchainhead SET last_seq = last_seq - 1 WHERE "table" = %s', [row._meta.db_table])
    chain_all()
    result = run_verification()
    assert result.first_failure is not None and result.first_failure.kind == "seal mismatch", result.first_failure
    assert AuditChainHead.objects.get(table=row._meta.db_table)


def test_seal_previous_day_and_dossier_chains(written):
    assert seal_previous_day(dt.date.today() + dt.timedelta(days=1)) is None  # today is not over
    seal = seal_previous_day(dt.date(2026, 3, 3))
    assert seal.day == dt.date(2026, 3, 2)
    assert seal_previous_day(dt.date(2026, 3, 3)) == seal
    assert seal_day(dt.date(2026, 3, 1)) is None  # seals only move forward
    checked = verify_chains(HistoricalTicket, [written.pk])
    assert checked.ok and checked.rows_checked == HistoricalTicket.objects.filter(id=written.pk).count()


def test_every_log_model_in_the_admin_is_read_only(administrator, rf):
    from django.contrib import admin

    from arbitration.admin_audit import is_log_model

    request = rf.get("/admin/")
    request.user = administrator
    logs = [(m, a) for m, a in admin.site._registry.items() if is_log_model(m)]
    labels = {m._meta.label for m, _ in logs}
    assert {"arbitration.DisputeTransition", "arbitration.DisputeStatement", "arbitration.Seat",
            "arbitration.SessionUserObjectPermission", "arbitration.GrantEvent", "arbitration.AuditSeal",
            "arbitration.TicketEvent", "legal.CaseRead"} <= labels  # fmt: skip
    for model, model_admin in logs:
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
    for model_admin in admin.site._registry.values():
        for inline in model_admin.get_inline_instances(request):
            if is_log_model(inline.model):
                assert not inline.has_add_permission(request, None) and not inline.has_delete_permission(request)


def test_grants_keep_their_history(db, administrator, dispatcher):
    from guardian.shortcuts import assign_perm, remove_perm

    from arbitration.audit.grants import grant_context
    from arbitration.models import ConferenceSession

    session = ConferenceSession.objects.create(title="会", scheduled_for=factories.at(2026, 3, 2), chair=administrator)
    with grant_context(actor=administrator, reason="seat"):
        assign_perm("arbitration.view_conferencesession", dispatcher, session)
    remove_perm("arbitration.view_conferencesession", dispatcher, session)
    events = list(GrantEvent.objects.order_by("pk"))
    assert [(e.action, e.user, e.actor, e.reason) for e in events] == [
        ("grant", dispatcher, administrator, "seat"),
        ("revoke", dispatcher, None, ""),
    ]
    assert events[0].object_key == f"arbitration.conferencesession:{session.pk}"
    chain_all()
    assert run_verification().ok


def test_the_seals_export_is_for_administrators_supervisors_and_the_discipline_liaison(written, supervisor, dispatcher):
    from arbitration.choices import Role

    seal = seal_day(dt.date(2026, 3, 2))
    liaison = factories.user("discipline", Role.DISCIPLINE_LIAISON)
    for user in (supervisor, liaison):
        client = APIClient()
        client.force_authenticate(user)
        body = client.get("/api/v1/audit/seals/").json()["results"]
        assert [(s["day"], s["seal_hash"]) for s in body] == [("2026-03-02", seal.seal_hash)]
        csv_text = client.get("/api/v1/audit/seals/export/").content.decode()
        assert seal.merkle_root in csv_text and csv_text.startswith("day,row_count")
        assert client.get("/api/v1/audit/seals/?since=2026-03-03").json()["results"] == []
        assert client.get("/api/v1/audit/seals/?since=nope").status_code == 400
    client = APIClient()
    client.force_authenticate(dispatcher)
    assert client.get("/api/v1/audit/seals/").status_code == 403
    assert client.get("/api/v1/audit/seals/export/").status_code == 403


def test_a_seat_grant_names_its_actor_and_reason(city, administrator, dispatcher):
    from arbitration.models import ConferenceSession
    from arbitration.services.conferences import seat_grant

    session = ConferenceSession.objects.create(title="会", scheduled_for=factories.at(2026, 3, 2), chair=administrator)
    seat_grant(session_id=session.pk, member_id=dispatcher.pk, department_id=city["urban"].pk, actor=administrator)
    assert {(e.action, e.user, e.actor, e.reason) for e in GrantEvent.objects.all()} == {
        ("grant", dispatcher, administrator, "seat granted")
    }
