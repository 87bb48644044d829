"""Append-only by the database: triggers that refuse UPDATE and DELETE on every audit table (docs/audit.md).

`audit_triggers_install` (re)creates them from the registry, for the tables that exist at that moment with the
columns they have then (read from the database, not the models, so it is right inside any migration). Each app's
audit migration calls it for its own tables, and a `post_migrate` receiver calls it again for all: Django's
SQLite schema editor rebuilds a table to alter it, which drops its triggers, so a later migration that touches
an audit table cannot leave it unguarded.

The one UPDATE allowed is the chainer's one-time fill: the row was not chained (`OLD.chain_hash IS NULL`) and
nothing but the three chain columns changes (PostgreSQL: nothing else is even named, see `_statements_postgresql`;
SQLite: a WHEN listing every column, `OLD.c IS NOT NEW.c`).

The one door: `audit_bypass(connection)`, used by `manage.py flush` (seed_demo --reset, pytest's transactional
tests on SQLite, where a flush is a DELETE per table). It is a flag of the Django connection (SQLite only; on
PostgreSQL a flush is a TRUNCATE, which row triggers do not see, so there is no door there): anyone who can use
it could as well drop a trigger, which is why the triggers stop the application and mistakes while the hash
chain is what proves nothing changed.
"""

import contextlib

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from arbitration.audit.mixins import CHAIN_COLUMNS
from arbitration.audit.registry import audit_tables, guarded_models
from arbitration.audit.registry import quote as _q

PG_FUNCTIONS = """
CREATE OR REPLACE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit table %: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
END $$;
"""
TRIGGER = "audit_guard"  # PostgreSQL trigger names are per table; SQLite's are per schema (suffixed below)


def _existing_columns(connection: BaseDatabaseWrapper, cursor, table: str) -> list[str] | None:
    if table not in connection.introspection.table_names(cursor):
        return None
    return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def _statements_postgresql(table: str, columns: list[str], chained: bool) -> list[str]:
    """Two triggers. `audit_guard` refuses every DELETE and every UPDATE that names any column but the chain
    columns; `audit_guard_chain` refuses an UPDATE of the chain columns of a row already chained. Together: the
    only UPDATE that passes is the chainer's one-time fill. Column-named triggers rather than one trigger comparing
    `to_jsonb(NEW) - chain columns` with the same of OLD: the chainer's fill then runs no trigger at all, where the
    comparison cost about 90 µs per wide history row (docs/audit.md). The column list is the table's at install
    time, so a migration that adds a column re-installs (post_migrate does it; `audit_triggers_present` checks)."""
    if not chained:
        events = "UPDATE OR DELETE"
    else:
        named = ", ".join(_q(c) for c in columns if c not in CHAIN_COLUMNS)
        events = f"DELETE OR UPDATE OF {named}"
    statements = [
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON {_q(table)}",
        f"DROP TRIGGER IF EXISTS {TRIGGER}_chain ON {_q(table)}",
        f"CREATE TRIGGER {TRIGGER} BEFORE {events} ON {_q(table)} FOR EACH ROW EXECUTE FUNCTION audit_refuse()",
    ]
    if chained:
        statements.append(
            f"CREATE TRIGGER {TRIGGER}_chain BEFORE UPDATE OF chain_seq, chain_prev, chain_hash ON {_q(table)}"
            f" FOR EACH ROW WHEN (OLD.chain_hash IS NOT NULL) EXECUTE FUNCTION audit_refuse()"
        )
    return statements


def _statements_sqlite(table: str, columns: list[str], chained: bool) -> list[str]:
    update, delete = _q(f"{TRIGGER}_{table}_update"), _q(f"{TRIGGER}_{table}_delete")
    if chained:
        changed = " OR ".join(f"OLD.{_q(c)} IS NOT NEW.{_q(c)}" for c in columns if c not in CHAIN_COLUMNS)
        refused = f"OLD.chain_hash IS NOT NULL OR {changed}"
    else:
        refused = "1"
    return [
        f"DROP TRIGGER IF EXISTS {update}",
        f"DROP TRIGGER IF EXISTS {delete}",
        f"CREATE TRIGGER {update} BEFORE UPDATE ON {_q(table)} FOR EACH ROW"
        f" WHEN audit_bypass() = 0 AND ({refused})"
        f" BEGIN SELECT RAISE(ABORT, 'audit table {table}: UPDATE refused'); END",
        f"CREATE TRIGGER {delete} BEFORE DELETE ON {_q(table)} FOR EACH ROW WHEN audit_bypass() = 0"
        f" BEGIN SELECT RAISE(ABORT, 'audit table {table}: DELETE refused'); END",
    ]


def _partial_index(table: str) -> str:
    # The chainer's only question to a table: which rows are not chained yet? A partial index holds just those,
    # so it stays tiny however large the table grows (each fill removes the row from it).
    return f"CREATE INDEX IF NOT EXISTS {_q(f'{table[:40]}_unchained')} ON {_q(table)} ({_q('chain_hash')})" \
        f" WHERE chain_hash IS NULL"  # fmt: skip


def audit_triggers_install(
    apps=None, schema_editor=None, *, app_label: str | None = None, using: str = "default"
) -> list[str]:
    """Create (or re-create) the guard triggers and the unchained-rows index of every audit table that exists.

    Callable as a `RunPython` function (`functools.partial(audit_triggers_install, app_label=...)`).
    Returns the tables guarded."""
    connection = schema_editor.connection if schema_editor is not None else connections[using]
    vendor = connection.vendor
    done = []
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(PG_FUNCTIONS)
        targets = [(t.model, t.table, True) for t in audit_tables()]
        targets += [(m, m._meta.db_table, False) for m in guarded_models()]
        for model, table, chained in targets:
            if app_label is not None and model._meta.app_label != app_label:
                continue
            columns = _existing_columns(connection, cursor, table)
            if columns is None or (chained and "chain_hash" not in columns):
                continue  # not created yet, or before the migration that adds the chain columns
            if vendor == "postgresql":
                statements = _statements_postgresql(table, columns, chained)
            elif vendor == "sqlite":
                statements = _statements_sqlite(table, columns, chained)
            else:
                raise NotImplementedError(vendor)
            if chained:
                statements.append(_partial_index(table))
            for statement in statements:
                cursor.execute(statement)
            done.append(table)
    return done


def audit_triggers_present(using: str = "default") -> dict[str, bool]:
    """{table: guarded?} for every registered table: what the test that no audit table is unguarded reads."""
    connection = connections[using]
    tables = [t.table for t in audit_tables()] + [m._meta.db_table for m in guarded_models()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE %s",
                [f"{TRIGGER}%"],
            )
            found = {(table, name): definition for table, name, definition in cursor.fetchall()}
            chained = {t.table for t in audit_tables()}
            present = {}
            for table in tables:
                guard = found.get((table, TRIGGER), "")
                if table in chained:
                    # Every column but the chain columns must be named: one added later and not re-installed
                    # could otherwise be changed.
                    columns = _existing_columns(connection, cursor, table) or []
                    named = all(
                        f" {c}," in guard or f" {c} " in guard or f'"{c}"' in guard
                        for c in columns
                        if c not in CHAIN_COLUMNS
                    )
                    present[table] = bool(guard) and named and (table, f"{TRIGGER}_chain") in found
                else:
                    present[table] = bool(guard)
            return present
        cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        names = {(tbl, name) for tbl, name in cursor.fetchall()}
    return {t: {(t, f"{TRIGGER}_{t}_update"), (t, f"{TRIGGER}_{t}_delete")} <= names for t in tables}


def _post_migrate(sender, using: str = "default", **kwargs) -> None:
    audit_triggers_install(using=using)


@contextlib.contextmanager
def audit_bypass(connection: BaseDatabaseWrapper):
    """Let this connection delete and change audit rows for the block: only `manage.py flush` uses it.

    On PostgreSQL it does nothing: a flush is a TRUNCATE, which row triggers do not see, and a door the
    application could open with a session setting is one an injected statement could open too."""
    if connection.vendor == "postgresql":
        yield
        return
    connection.audit_bypass_depth = getattr(connection, "audit_bypass_depth", 0) + 1
    try:
        yield
    finally:
        connection.audit_bypass_depth -= 1


def sqlite_functions(sender, connection: BaseDatabaseWrapper, **kwargs) -> None:
    """`connection_created`: the SQL functions the SQLite triggers and the chain's SQL call."""
    if connection.vendor != "sqlite":
        return
    import hashlib

    def sha256_hex(text):
        if text is None:
            return None
        data = text if isinstance(text, bytes) else str(text).encode()
        return hashlib.sha256(data).hexdigest()

    raw = connection.connection
    raw.create_function("sha256_hex", 1, sha256_hex, deterministic=True)
    raw.create_function("audit_bypass", 0, lambda: int(getattr(connection, "audit_bypass_depth", 0) > 0))


def audit_triggers_uninstall(apps=None, schema_editor=None, *, app_label: str, using: str = "default") -> None:
    """The reverse of an audit migration: drop the app's guards (SQLite refuses to drop a column a trigger names)."""
    connection = schema_editor.connection if schema_editor is not None else connections[using]
    targets = [t.table for t in audit_tables() if t.model._meta.app_label == app_label]
    targets += [m._meta.db_table for m in guarded_models() if m._meta.app_label == app_label]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for table in targets:
            if table not in existing:
                continue
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {_q(table)}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_chain ON {_q(table)}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {_q(f'{TRIGGER}_{table}_update')}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {_q(f'{TRIGGER}_{table}_delete')}")
            cursor.execute(f"DROP INDEX IF EXISTS {_q(f'{table[:40]}_unchained')}")
