"""Helpers for django-simple-history: every write names its user and reason (TECH.md)."""

import datetime as dt
from functools import cache, cached_property
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from simple_history import models as simple_history
from simple_history.manager import HistoryDescriptor

M = TypeVar("M", bound=models.Model)
CHANGE_REASON_LENGTH = 100  # django-simple-history's history_change_reason max_length

# The options of a column that records who did something on an audit row (a history row's user, an event's or a
# transition's actor, an assignment's assigner): an index and a foreign-key constraint cost every row written,
# and a bulk import writes several such rows per ticket — the constraint check alone was a fifth of PostgreSQL's
# time in `bench/bench_import.py`. The value always comes from a user instance, and users are deactivated,
# never deleted (deleting one still goes through the ORM's on_delete rules), so the database need not check it.
WHO_COLUMN = {"db_index": False, "db_constraint": False}


def real_user(actor):
    """The actor as the user a row stores, or None for the system (a sweep, a task, a command, an anonymous call)."""
    return actor if actor is not None and actor.is_authenticated else None


def attribute(instance: M, *, actor, reason: str) -> M:
    """Mark the next save of `instance` with who made it and why (read by django-simple-history)."""
    instance._history_user = real_user(actor)
    # history_change_reason is a 100-character column: PostgreSQL refuses a longer reason (SQLite does not), and
    # reasons built from legal-basis text can be longer. The full text stays on the domain event row.
    instance._change_reason = reason[:CHANGE_REASON_LENGTH] if reason else reason
    return instance


def save_attributed(instance: M, *, actor, reason: str, update_fields=None) -> M:
    attribute(instance, actor=actor, reason=reason)
    instance.save(update_fields=update_fields)
    return instance


# --- history rows written without a save: bulk paths and the hottest single writes ---------------------------
def history_columns(*, at: dt.datetime, reason: str, user_id: int | None, kind: str = "+") -> dict[str, Any]:
    """The history columns of a row written without simple-history's signal: what its save would write."""
    return {"history_date": at, "history_change_reason": reason[:CHANGE_REASON_LENGTH] if reason else reason,
            "history_type": kind, "history_user_id": user_id}  # fmt: skip


def history_insert_select(
    model: type[models.Model],
    key: str,
    ids: list[int],
    *,
    at: dt.datetime,
    reason: str,
    user_id: int | None = None,
    kind: str = "+",
) -> None:
    """Write the history rows of `model`'s rows whose `key` column is in `ids`, as django-simple-history would,
    in one INSERT … SELECT: every tracked column copied from the stored row, the history columns filled in."""
    _history_rows_insert(model, key, ids, at=at, reason=reason, user_id=user_id, kind=kind)
    from arbitration.audit.chain import chain_after_commit  # written without simple-history's signal

    chain_after_commit(model.history.model)


def history_insert_chained(
    model: type[models.Model],
    key: str,
    ids: list[int],
    *,
    at: dt.datetime,
    reason: str,
    user_id: int | None = None,
    kind: str = "+",
) -> None:
    """`history_insert_select` for rows that are each the first of their chain — the history of objects created in
    this transaction — chained as they are written (PostgreSQL, chain on; docs/audit.md, "chained as written"): the
    rows go through the table's stage into it with their chain columns filled, so the chainer never rewrites them.
    The table's chain lock is then held to the commit: call it last in the transaction. Elsewhere it is
    `history_insert_select`, the rows left to the chainer."""
    if not (settings.MINGZE_AUDIT_CHAIN_ON_COMMIT and connection.vendor == "postgresql"):
        history_insert_select(model, key, ids, at=at, reason=reason, user_id=user_id, kind=kind)
        return
    from arbitration.audit.chain import insert_chained, stage_table
    from arbitration.audit.registry import table_of

    entry = table_of(model.history.model)
    stage = stage_table(entry)
    count = _history_rows_insert(model, key, ids, into=stage, at=at, reason=reason, user_id=user_id, kind=kind)
    if count:
        insert_chained(entry, stage, count)


def _history_rows_insert(model, key: str, ids: list[int], *, into: str | None = None, **stamped) -> int:
    """The INSERT … SELECT of both: into the history table, or `into` a table shaped like it; the rows written."""
    at = connection.ops.adapt_datetimefield_value(stamped.pop("at"))
    stamp = history_columns(at=at, **stamped)
    in_list = ", ".join(str(int(pk)) for pk in ids)  # integers: safe to inline, and one statement whatever their number
    with connection.cursor() as cursor:
        cursor.execute(f"{_history_insert_select_sql(model, key, into)} ({in_list})", list(stamp.values()))
        return cursor.rowcount


@cache
def _history_insert_select_sql(model: type[models.Model], key: str, into: str | None = None) -> str:
    """The statement of `history_insert_select` up to its IN list (built once per model: votes are a hot path);
    `into`: a table shaped like the history table (an audit stage) to write to instead."""
    quote = connection.ops.quote_name
    history = model.history.model
    stamped = list(history_columns(at=None, reason="", user_id=None))
    from arbitration.audit.mixins import CHAIN_COLUMNS  # left empty for the chainer (docs/audit.md)

    skipped = {*stamped, *CHAIN_COLUMNS}
    copied = [quote(f.column) for f in history._meta.concrete_fields if not f.primary_key and f.attname not in skipped]
    return (
        f"INSERT INTO {quote(into or history._meta.db_table)} ({', '.join([*copied, *map(quote, stamped)])})"
        f" SELECT {', '.join(copied)}, {', '.join(['%s'] * len(stamped))} FROM {quote(model._meta.db_table)}"
        f" WHERE {quote(key)} IN"
    )


class _HistoryDescriptor(HistoryDescriptor):
    """simple-history's `Model.history`, with its manager class built once.

    The original builds a new class (`Manager.from_queryset`) on every access, and writing a history row is one
    access: that was a quarter of the CPU of each history row written (`bench/bench_votes.py`).
    """

    @cached_property
    def manager_type(self) -> type:
        return self.manager_class.from_queryset(self.queryset_class)

    def __get__(self, instance, owner):
        return self.manager_type(self.model, instance)


class HistoricalRecords(simple_history.HistoricalRecords):
    """The `HistoricalRecords` every model of the project declares (the same tables and rows).

    Its `history_user` is a who-column: no database constraint (`WHO_COLUMN`); simple-history offers no way to
    leave out its index. Every history table is an audit table: its bases add the chain columns (docs/audit.md).
    """

    def __init__(self, *args, **kwargs) -> None:
        from arbitration.audit.mixins import AuditHistory, AuditM2MHistory

        kwargs.setdefault("user_db_constraint", False)
        kwargs["bases"] = (AuditHistory, *kwargs.get("bases", ()))
        kwargs["m2m_bases"] = (AuditM2MHistory, *kwargs.get("m2m_bases", ()))
        super().__init__(*args, **kwargs)

    def get_meta_options(self, model) -> dict[str, Any]:
        # simple-history names a history model "historical <name>" in fixed English around the name as it read at
        # import time; this one reads in the reader's language (the permission widgets list every history model).
        meta = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            meta["verbose_name"] = format_lazy(gettext_lazy("historical {}"), model._meta.verbose_name)
        if not self.user_set_verbose_name_plural:
            meta["verbose_name_plural"] = format_lazy(gettext_lazy("historical {}"), model._meta.verbose_name_plural)
        return meta

    def finalize(self, sender, **kwargs) -> None:
        super().finalize(sender, **kwargs)
        plain = sender.__dict__.get(self.manager_name)
        if type(plain) is HistoryDescriptor:
            faster = _HistoryDescriptor(plain.model, manager=plain.manager_class, queryset=plain.queryset_class)
            setattr(sender, self.manager_name, faster)
