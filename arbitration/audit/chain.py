"""The lazy chainer: per-object hash chains filled after the writers have committed.

Why this chaining unit (one chain per historied object or per subject, numbered per table, filled lazily):

- Writers never hash and never lock. A ticket import, a vote, a sweep writes its audit rows with the chain columns
  empty; after its commit (`transaction.on_commit`, once per transaction) it asks a Celery worker to chain the
  tables it wrote (`audit_chain_task`; at most one such request per table waits in the queue, see
  `request_chaining`), a beat task every minute catches anything missed, and the bulk paths finish what is left
  at their end. The request's own cost is a cache lookup: fifty votes at one instant share one chainer run in
  the worker instead of each paying for its own in the request (docs/audit.md). A single global chain would
  make every writer wait for the previous row's hash, serialising concurrent writers and the bulk import on one
  lock.
- The chainer takes ONE lock per table (`pg_try_advisory_xact_lock`) and only tries it: if another chainer holds
  it, this one skips the table, since the holder (or the next run) will chain the rows. Never one lock per row or
  per object: an earlier attempt with per-object advisory locks ran PostgreSQL out of shared memory.
- A chain per object forks nothing: two transactions writing history of different objects touch different
  chains, and rows of one object are chained in primary-key order by a single chainer at a time. `chain_seq` is
  the table's order of chaining, so "which rows came after the last seal" is a range.
- The daily seal (`arbitration.audit.seals`) ties all the chains of all tables together in one Merkle root,
  chained to the previous seal: one value proves the day.

A row's hash: chain_hash = sha256(chain_prev || row_digest || chain_seq), chain_prev the hash of the previous
row of the same chain key (64 zeros for the first). The row digest is computed IN SQL (`digest_sql`) from the
row's canonical text, by the chainer and the verifier alike, so there is no Python canonical form to drift.
"""

import hashlib
import logging
import zlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from arbitration.audit.registry import AuditTable, audit_tables, table_of
from arbitration.audit.registry import quote as _q

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
BATCH = 20_000
LOCK_CLASS = 1313  # first key of the chainer's advisory locks (the second: the table's crc32)
# A request mark outlives a lost task by this long at most; the beat task chains in the meantime.
REQUEST_TIMEOUT = 120


def canonical_sql(entry: AuditTable, alias: str = "") -> str:
    """The row's canonical text: the table name, then `column=value` for every non-NULL column but the chain
    columns, in field order, joined with chr(31). NULLs are left out rather than marked so that a nullable
    column added later keeps the digests of the rows written before it (docs/audit.md)."""
    prefix = f"{alias}." if alias else ""
    if connection.vendor == "postgresql":
        parts = [f"'{c}=' || {prefix}{_q(c)}::text" for c in entry.columns]
        return f"concat_ws(chr(31), '{entry.table}', {', '.join(parts)})"
    parts = [f"coalesce(char(31) || '{c}=' || CAST({prefix}{_q(c)} AS TEXT), '')" for c in entry.columns]
    return f"'{entry.table}' || {' || '.join(parts)}"


def digest_sql(entry: AuditTable, alias: str = "") -> str:
    text = canonical_sql(entry, alias)
    if connection.vendor == "postgresql":
        return f"encode(sha256(convert_to({text}, 'UTF8')), 'hex')"
    return f"sha256_hex({text})"


def link_hash(prev: str, digest: str, seq: int) -> str:
    return hashlib.sha256(f"{prev}{digest}{seq}".encode()).hexdigest()


def link_sql(prev: str, digest: str, seq: str) -> str:
    """`link_hash` in SQL, over three SQL expressions (the verifier's, and `insert_chained`'s)."""
    if connection.vendor == "postgresql":
        return f"encode(sha256(convert_to({prev} || {digest} || ({seq})::text, 'UTF8')), 'hex')"
    return f"sha256_hex({prev} || {digest} || CAST(({seq}) AS TEXT))"


def _lock(entry: AuditTable, wait: bool) -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite writers are serialised by the database itself
    key = zlib.crc32(entry.table.encode()) - 2**31
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, key])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_CLASS, key])
        return cursor.fetchone()[0]


def _heads(cursor, entry: AuditTable, keys: list) -> dict:
    """The last chain_hash of each of `keys`' chains."""
    table, key = _q(entry.table), _q(entry.key)
    heads = {}
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT DISTINCT ON ({key}) {key}, chain_hash FROM {table}"
                f" WHERE {key} = ANY(%s) AND chain_hash IS NOT NULL ORDER BY {key}, chain_seq DESC",
                [chunk],
            )
            heads.update(cursor.fetchall())
        else:
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {key}, chain_hash, max(chain_seq) FROM {table}"
                f" WHERE {key} IN ({marks}) AND chain_hash IS NOT NULL GROUP BY {key}",
                chunk,
            )
            heads.update((k, h) for k, h, _ in cursor.fetchall())
    return heads


def chain_table_batch(entry: AuditTable, wait: bool = False) -> int | None:
    """Chain up to BATCH unchained rows of one table in one transaction. None when the table's lock is busy
    (`wait`: wait for it instead)."""
    from arbitration.models import AuditChainHead

    table, pk, key = _q(entry.table), _q(entry.pk), _q(entry.key)
    with transaction.atomic():
        if not _lock(entry, wait):
            return None
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL TimeZone = 'UTC'")  # timestamps' text is part of the digest
            cursor.execute(
                f"SELECT {pk}, {key}, {digest_sql(entry)} FROM {table} WHERE chain_hash IS NULL"
                f" ORDER BY {pk} LIMIT {BATCH}"
            )
            rows = cursor.fetchall()
            if not rows:
                return 0
            head, _ = AuditChainHead.objects.get_or_create(table=entry.table)
            heads = _heads(cursor, entry, sorted({r[1] for r in rows if r[1] is not None}))
            seq = head.last_seq
            pks, seqs, prevs, hashes = [], [], [], []
            for row_pk, row_key, digest in rows:
                seq += 1
                prev = heads.get(row_key, GENESIS)
                heads[row_key] = link = link_hash(prev, digest, seq)
                pks.append(row_pk), seqs.append(seq), prevs.append(prev), hashes.append(link)
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} AS t SET chain_seq = v.s, chain_prev = v.p, chain_hash = v.h"
                    f" FROM unnest(%s::bigint[], %s::bigint[], string_to_array(%s, ','), string_to_array(%s, ','))"
                    f" AS v(k, s, p, h) WHERE t.{pk} = v.k AND t.{pk} BETWEEN %s AND %s",
                    # Hashes as one comma-joined string: psycopg quotes each element of a text array with a
                    # regular expression, which was a third of the chainer's time. The batch's pk range lets the
                    # planner read just those rows by the primary key: without it, it hashes the batch and scans
                    # the whole table for each batch (the rows come in pk order, so the range is the batch).
                    [pks, seqs, ",".join(prevs), ",".join(hashes), pks[0], pks[-1]],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET chain_seq = %s, chain_prev = %s, chain_hash = %s WHERE {pk} = %s",
                    list(zip(seqs, prevs, hashes, pks, strict=True)),
                )
            AuditChainHead.objects.filter(pk=head.pk).update(last_seq=seq)
            return len(rows)


# --- chained as written: the bulk writer ---------------------------------------------------------------------
def _links_table(stage: str) -> str:
    return f"{stage}_links"


def stage_table(entry: AuditTable) -> str:
    """A temporary table shaped like `entry`'s, to COPY rows into before `insert_chained` moves them, chained,
    into the audit table: created once per connection, emptied at each commit. Its primary key draws from the
    audit table's own sequence, so a row keeps its id when it moves. Beside it, a narrow one for the rows'
    digests, computed before the table's lock is taken."""
    name = f"audit_stage_{entry.table}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"pg_temp.{_q(name)}"])
        if cursor.fetchone()[0] is None:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {_q(_links_table(name))} ON COMMIT DELETE ROWS AS SELECT {_q(entry.pk)} AS k,"
                f" {_q(entry.key)} AS g, ''::text AS d, 0::bigint AS n, 0::bigint AS r"
                f" FROM {_q(entry.table)} WITH NO DATA"
            )
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [_q(entry.table), entry.pk])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                f"CREATE TEMPORARY TABLE {_q(name)} (LIKE {_q(entry.table)} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
            )
            literal = "'" + sequence.replace("'", "''") + "'"  # DDL takes no parameters
            cursor.execute(
                f"ALTER TABLE {_q(name)} ALTER COLUMN {_q(entry.pk)} SET DEFAULT nextval({literal}::regclass)"
            )
    return name


def insert_chained(entry: AuditTable, stage: str, count: int) -> None:
    """Move the `count` rows of `stage` (see `stage_table`) into `entry`'s table, chained: the bulk writer's way,
    in its own transaction, so that its rows are never rewritten by the chainer (docs/audit.md, "chained as
    written"). PostgreSQL only.

    Every row must be the first of its chain key's rows in the table (an import's new tickets, their new
    assignments): a row's chain_prev is the hash of the row before it in the stage, or GENESIS. The table's lock
    is held from here to the commit, as the chainer holds it for a batch: `chain_seq` stays dense whatever rolls
    back, since the head moves in this transaction too. The chainer only tries the lock, so it skips the table
    meanwhile; nothing else waits for it but another bulk writer's batch at this same step."""
    from arbitration.models import AuditChainHead

    if any(f.null for f in entry.model._meta.concrete_fields if f.column == entry.key):
        raise TypeError(f"{entry.table}: a stage's rows are linked by a NOT NULL chain key")
    table, pk, key = _q(entry.table), _q(entry.pk), _q(entry.key)
    columns = ", ".join(_q(c) for c in entry.columns)
    staged = ", ".join(f"st.{_q(c)}" for c in entry.columns)
    links = _q(_links_table(stage))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL TimeZone = 'UTC'")  # timestamps' text is part of the digest
        # The digests (most of the work) before the lock, so that two writers' batches hash at the same time.
        # n: the row's place in the stage's pk order (its chain_seq, less the base); r: its place in its key's rows.
        cursor.execute(
            f"INSERT INTO {links} (k, g, d, n, r) SELECT st.{pk}, st.{key}, {digest_sql(entry, 'st')},"
            f" row_number() OVER (ORDER BY st.{pk}), row_number() OVER (PARTITION BY st.{key} ORDER BY st.{pk})"
            f" FROM {_q(stage)} st"
        )
        _lock(entry, wait=True)
        heads = _q(AuditChainHead._meta.db_table)
        cursor.execute(
            f'INSERT INTO {heads} ("table", last_seq) VALUES (%s, %s) ON CONFLICT ("table")'
            f" DO UPDATE SET last_seq = {heads}.last_seq + EXCLUDED.last_seq RETURNING last_seq",
            [entry.table, count],
        )
        base = int(cursor.fetchone()[0]) - count  # literals below: the statement is planned with their types
        genesis = f"'{GENESIS}'::text"
        # Each row is linked to the one before it of its key (a recursive step per row of a key in the stage: two
        # for an imported ticket's events).
        cursor.execute(
            f"""WITH RECURSIVE c AS (
                    SELECT s.k, s.g, s.r, s.n, {genesis} AS prev, {link_sql(genesis, "s.d", f"{base} + s.n")} AS hash
                    FROM {links} s WHERE s.r = 1
                  UNION ALL
                    SELECT s.k, s.g, s.r, s.n, c.hash, {link_sql("c.hash", "s.d", f"{base} + s.n")}
                    FROM c JOIN {links} s ON s.g = c.g AND s.r = c.r + 1
                )
                INSERT INTO {table} ({columns}, chain_seq, chain_prev, chain_hash)
                SELECT {staged}, {base} + c.n, c.prev, c.hash FROM {_q(stage)} st JOIN c ON c.k = st.{pk}"""
        )
        if cursor.rowcount != count:  # a row the recursion did not reach (a NULL key): never insert part
            raise RuntimeError(f"{entry.table}: {cursor.rowcount} of {count} staged rows chained")
        # Emptied now, not only at the commit: a caller holding one transaction over several batches (an import
        # inside the caller's transaction) stages the next batch in the same tables.
        cursor.execute(f"TRUNCATE {_q(stage)}, {links}")


def chain_table(entry: AuditTable, wait: bool = False) -> int:
    done = 0
    while True:
        count = chain_table_batch(entry, wait)
        if not count:
            return done
        done += count
        if count < BATCH:
            return done


def chain_all(tables=None, wait: bool = False) -> int:
    """Chain every unchained row of `tables` (default: all audit tables). Returns the rows chained.

    A table another chainer holds is skipped (that one, or the next run, chains its rows) unless `wait`: then
    this one waits for it and chains what it left, so that every row committed before the call is chained when
    it returns (the bulk paths' promise, docs/audit.md)."""
    entries = audit_tables() if tables is None else [t if isinstance(t, AuditTable) else table_of(t) for t in tables]
    return sum(chain_table(entry, wait) for entry in entries)


# --- after commit ------------------------------------------------------------------------------------------
def request_mark(table: str) -> str:
    return f"mingze:audit-chain-requested:{table}"


def request_chaining(tables: set[str], *, prompt: bool = False) -> None:
    """Ask a worker to chain `tables`, unless a request for each is already waiting in the queue.

    The request is for `MINGZE_AUDIT_CHAIN_DELAY` seconds later, unless `prompt` (the bulk writers' batches): a
    burst of small commits (fifty votes at one instant) is then chained once, after the burst, instead of having the
    worker compete with it for the cores while it lasts; a bulk import wants its batches chained as they come, so
    that little is left for its end (docs/audit.md).

    The task clears a table's mark when it starts, before it reads the unchained rows (`chaining_started`): a
    commit that finds the mark set is chained by the waiting task, one that comes later sets it again. A lost
    request costs at most a minute (the beat task). In the embedded default Celery runs tasks eagerly, so this
    chains in-process as the commit's last step."""
    from arbitration.audit.tasks import audit_chain_task

    wanted = sorted(t for t in tables if cache.add(request_mark(t), 1, timeout=REQUEST_TIMEOUT))
    if wanted:
        audit_chain_task.apply_async([wanted], countdown=None if prompt else settings.MINGZE_AUDIT_CHAIN_DELAY or None)


def chaining_started(tables) -> None:
    cache.delete_many([request_mark(t) for t in tables])


class _Pending:
    """The tables a transaction wrote audit rows to; chained once, after its commit."""

    def __init__(self) -> None:
        self.tables: set[str] = set()
        self.prompt = False

    def __call__(self) -> None:
        if getattr(connection, "_audit_pending", None) is self:
            connection._audit_pending = None
        try:
            request_chaining(self.tables, prompt=self.prompt)
        except Exception:  # the beat task chains them later: a writer's commit never fails on its chain
            logger.exception("audit chaining after commit failed")


def chain_after_commit(model, *, prompt: bool = False) -> None:
    """Ask for `model`'s table to be chained after the current transaction commits (once per transaction);
    `prompt`: without the delay (`request_chaining`)."""
    if not settings.MINGZE_AUDIT_CHAIN_ON_COMMIT:
        return
    pending = getattr(connection, "_audit_pending", None)
    # A rolled-back transaction drops its on_commit callbacks: a pending object no longer queued is stale.
    if pending is None or not any(entry[1] is pending for entry in connection.run_on_commit):
        pending = _Pending()
        if connection.in_atomic_block:
            connection._audit_pending = pending
            transaction.on_commit(pending)
    pending.tables.add(model._meta.db_table)
    pending.prompt |= prompt
    if not connection.in_atomic_block:
        pending()


def _saved(sender, instance=None, created=False, raw=False, **kwargs) -> None:
    if created and not raw:
        chain_after_commit(sender)


def _history_created(sender, history_instance=None, **kwargs) -> None:
    if history_instance is not None:
        chain_after_commit(type(history_instance))


def connect_signals() -> None:
    from django.db.models.signals import post_save
    from simple_history.signals import post_create_historical_record

    for entry in audit_tables():
        post_save.connect(_saved, sender=entry.model, dispatch_uid=f"audit-chain-{entry.table}")
    post_create_historical_record.connect(_history_created, dispatch_uid="audit-chain-history")
