"""Every way a ticket is written leaves history rows that name the user and the reason (TECH.md).

Also a guard against `QuerySet.update()` / `bulk_update()` / `bulk_create()` on history-tracked models,
which write no history at all.
"""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import ProtectedError
from rest_framework.test import APIClient

from arbitration.models import Assignment, Ticket
from arbitration.services.bulk import tickets_bulk_receive
from arbitration.services.reference import HOTLINE_PLATFORM_USER
from arbitration.services.tickets import ticket_receive
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("arbitration", "supervision", "legal", "config")


def _assert_attributed(hotline_no: str, user, reason: str) -> None:
    ticket = Ticket.objects.get(hotline_no=hotline_no)
    rows = list(ticket.history.all()) + list(Assignment.history.filter(ticket_id=ticket.pk))
    assert rows
    assert {(row.history_user_id, row.history_change_reason) for row in rows} == {(user.pk, reason)}


@pytest.mark.django_db
def test_the_service_path_names_user_and_reason_on_create_update_and_dispatch(city, dispatcher):
    ticket_receive(intake=factories.intake(city, "S1"), actor=dispatcher, reason="per-row")
    ticket_receive(
        intake=factories.intake(city, "S1", dispatched_to=city["urban"], title="求助（补充）"),
        actor=dispatcher,
        reason="per-row",
    )

    _assert_attributed("S1", dispatcher, "per-row")
    assert Ticket.history.filter(id=Ticket.objects.get().pk).count() >= 2


@pytest.mark.django_db
def test_the_bulk_path_names_user_and_reason_for_new_and_existing_tickets(city, dispatcher):
    tickets_bulk_receive(
        [factories.intake(city, "B1", dispatched_to=city["urban"]), factories.intake(city, "B2")],
        actor=dispatcher,
        reason="bulk",
    )
    tickets_bulk_receive(
        [factories.intake(city, "B2", title="改", dispatched_to=city["market"])], actor=dispatcher, reason="bulk"
    )

    _assert_attributed("B1", dispatcher, "bulk")
    _assert_attributed("B2", dispatcher, "bulk")
    assert set(Ticket.history.values_list("history_type", flat=True)) == {"+", "~"}


@pytest.mark.django_db
def test_the_api_path_names_the_poster(city, dispatcher):
    client = APIClient()
    client.force_login(dispatcher)
    body = {
        "hotline_no": "A1",
        "received_at": "2026-03-02T10:00:00",
        "request_type": "help",
        "matter": "010101",
        "territory": "370802001001",
        "title": "求助",
        "content": "路灯不亮",
        "dispatched_to": "CGJ",
    }
    client.post("/api/v1/tickets/", body, format="json")
    client.post("/api/v1/tickets/", {**body, "title": "求助（补充）"}, format="json")

    _assert_attributed("A1", dispatcher, "received from the hotline platform")


@pytest.mark.django_db
def test_the_import_commands_name_their_user_and_reason(city, administrator, tmp_path):
    from arbitration.models import Territory, User

    path = tmp_path / "t.jsonl"
    path.write_text(
        '{"hotline_no": "I1", "received_at": "2026-03-02T10:00:00", "request_type": "help", '
        '"matter": "010101", "territory": "370802001001", "title": "t", "content": "c", '
        '"dispatched_to": "CGJ"}\n',
        encoding="utf-8",
    )
    call_command("import_tickets", str(path), "--reason", "nightly import", stdout=io.StringIO())
    city_dir = tmp_path / "city"
    city_dir.mkdir()
    (city_dir / "territories.csv").write_text("code,name,level,parent\n370802002,新街道,street,370802\n")
    call_command("import_city", str(city_dir), "--user", "admin", stdout=io.StringIO())

    _assert_attributed("I1", User.objects.get(username=HOTLINE_PLATFORM_USER), "nightly import")
    row = Territory.history.get(code="370802002")
    assert (row.history_user, row.history_change_reason) == (administrator, "city import from city")


@pytest.mark.django_db
def test_every_ticket_has_exactly_one_creation_row_whatever_path_wrote_it(city, dispatcher):
    ticket_receive(intake=factories.intake(city, "P1", dispatched_to=city["urban"]), actor=dispatcher)
    tickets_bulk_receive(
        [factories.intake(city, f"P{n}", dispatched_to=city["urban"]) for n in range(2, 30)],
        actor=dispatcher,
        reason="bulk",
        batch_size=7,
    )

    for model in (Ticket, Assignment):
        created = dict(model.history.filter(history_type="+").values_list("id", "history_user"))
        assert sorted(created) == sorted(model.objects.values_list("pk", flat=True))
        assert set(created.values()) == {dispatcher.pk}


# --- the guard against history-blind writes ------------------------------------------------------------------
BLIND_WRITES = {"update", "bulk_update", "bulk_create"}
QUERYSET_HOPS = {
    "objects",
    "filter",
    "exclude",
    "all",
    "select_for_update",
    "order_by",
    "select_related",
    "prefetch_related",
    "using",
    "annotate",
    "distinct",
    "none",
}


def _tracked_model_names() -> set[str]:
    return {model.__name__ for model in apps.get_models() if hasattr(model, "history")}


def _untracked_model_names() -> set[str]:
    return {model.__name__ for model in apps.get_models() if not hasattr(model, "history")}


def _chain(node: ast.AST) -> list[str]:
    """Names along `Ticket.objects.filter(...).update` from the root: ["Ticket", "objects", "filter"]."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names[::-1]
        else:
            return names[::-1]


def history_blind_writes(source: str, tracked: set[str], untracked: frozenset[str] = frozenset()) -> list[int]:
    """Lines calling update/bulk_update/bulk_create on a queryset or manager of a tracked model.

    Flagged: a chain rooted at a tracked model (`Ticket.objects.filter().update()`), and a queryset chain
    rooted at anything but a known untracked model (`ticket.assignments.filter().update()`), unless the line
    says `# history: untracked`. A tracked model's `bulk_create` is accepted where the same module writes
    its history itself: `<Model>.history.bulk_history_create(...)` or a `*history*(<Model>, ...)` helper.
    """
    lines = source.splitlines()
    tree = ast.parse(source)
    history_written = set()  # models whose history this module writes itself
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        chain = _chain(call.func)
        if chain[1:] == ["history", "bulk_history_create"]:
            history_written.add(chain[0])
        elif chain and "history" in chain[-1] and call.args and isinstance(call.args[0], ast.Name):
            history_written.add(call.args[0].id)  # e.g. history_insert_select(Model, ...)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in BLIND_WRITES:
            continue
        chain = _chain(node.func.value)
        if not chain or "# history: untracked" in lines[node.lineno - 1]:
            continue
        if node.func.attr == "bulk_create" and chain[0] in history_written:
            continue
        root_is_tracked = chain[0] in tracked
        through_queryset = bool(QUERYSET_HOPS.intersection(chain[1:]))
        if root_is_tracked or (through_queryset and chain[0] not in untracked):
            found.append(node.lineno)
    return found


def test_the_guard_catches_history_blind_writes():
    tracked, untracked = {"Ticket", "Assignment", "Duty"}, frozenset({"GraphVersion", "TicketEvent"})
    code = (
        "Ticket.objects.filter(pk=1).update(status='closed')\n"
        "ticket.assignments.filter(ended_at=None).update(ended_at=now)\n"
        "Assignment.objects.bulk_create(rows)\n"
        "values.update(changes)\n"
        "GraphVersion.objects.filter(pk=1).update(number=2)\n"
        "TicketEvent.objects.bulk_create(events)\n"
        "Duty.objects.bulk_create(rows)\n"
        "Duty.history.bulk_history_create(rows)\n"
        "Ticket.objects.bulk_create(rows)\n"
        "history_insert_select(Ticket, 'id', ids)\n"
    )

    assert history_blind_writes(code, tracked, untracked) == [1, 2, 3]


def test_no_source_file_writes_tracked_models_without_history():
    tracked, untracked = _tracked_model_names(), frozenset(_untracked_model_names())
    offenders = []
    for directory in SOURCE_DIRS:
        for path in (ROOT / directory).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            offenders += [
                f"{path.relative_to(ROOT)}:{line}"
                for line in history_blind_writes(path.read_text(encoding="utf-8"), tracked, untracked)
            ]
    assert offenders == [], "QuerySet.update()/bulk_* skip django-simple-history; use the *_with_history helpers"


@pytest.mark.django_db
def test_a_user_who_acted_cannot_be_deleted_so_no_record_loses_its_who(city, dispatcher):
    # The who-columns carry no database constraint (arbitration.history.WHO_COLUMN): the ORM's rules guard them.
    tickets_bulk_receive([factories.intake(city, "W1", dispatched_to=city["urban"])], actor=dispatcher, reason="bulk")
    with pytest.raises(ProtectedError):
        dispatcher.delete()
    ticket = Ticket.objects.get(hotline_no="W1")
    assert {event.actor for event in ticket.events.all()} == {dispatcher}
    assert ticket.history.get().history_user == dispatcher
