"""Recompute every chain and every seal; report the first broken link (docs/audit.md).

Per table ONE query does the chain check: each chained row's hash recomputed from its content in SQL (the same
`digest_sql` the chainer used) against the stored one, and its chain_prev against `lag(chain_hash) OVER
(PARTITION BY key ORDER BY chain_seq)`. Only when something is wrong do further queries describe it. A deleted
row shows as a gap in the table's chain_seq (numbers are dense from 1) or, at a chain's end, as fewer rows than
the last seal's high-water mark; a rewritten row as a content mismatch; a row re-hashed by someone who rewrote
the rest of its chain as a seal whose Merkle root no longer matches.
"""

import datetime as dt
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from arbitration.audit.chain import GENESIS, digest_sql, link_sql
from arbitration.audit.registry import AuditTable, audit_tables
from arbitration.audit.registry import quote as _q
from arbitration.audit.seals import leaves_between, merkle_root, seal_hash

# The verifier's window sorts a table's chained rows (about 90 bytes each) by chain: enough memory to sort a few
# million rows without spilling to disk, for its own transaction only.
WORK_MEM = "512MB"
# PostgreSQL prices sha256() like an addition, so it sees no gain in scanning with parallel workers; the hashing is
# nearly all of the verifier's work, and the workers halve it on two cores. Free parallelism for its transaction.
VERIFIER_SETTINGS = {"TimeZone": "UTC", "work_mem": WORK_MEM, "parallel_setup_cost": "0", "parallel_tuple_cost": "0"}


def _apply_verifier_settings() -> None:
    """Inside the verifier's transaction: timestamps as the chainer hashed them (UTC), and the settings above."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name, value in VERIFIER_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


@dataclass
class Failure:
    kind: str  # content changed / prev link broken / row missing / seal mismatch
    table: str = ""
    pk: object = None
    key: object = None
    detail: str = ""

    def __str__(self) -> str:
        where = f"table {self.table}" if self.table else "seals"
        if self.pk is not None:
            where += f", row pk={self.pk}"
        if self.key is not None:
            where += f", chain key={self.key}"
        return f"{self.kind}: {where}" + (f" — {self.detail}" if self.detail else "")


@dataclass
class Result:
    rows_checked: int = 0
    seals_checked: int = 0
    chain_seconds: float = 0.0
    seal_seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def first_failure(self) -> Failure | None:
        return self.failures[0] if self.failures else None


def _recomputed_sql(entry: AuditTable) -> str:
    return link_sql("chain_prev", digest_sql(entry), "chain_seq")


def _checked_sql(entry: AuditTable, keys: list | None) -> tuple[str, list]:
    """Every chained row: its key and sequence, whether its content still gives its hash (`content_ok`), and
    whether its chain_prev is the hash of the row before it in its chain (`link_ok`)."""
    table, pk, key = _q(entry.table), _q(entry.pk), _q(entry.key)
    where, params = "chain_hash IS NOT NULL", []
    if keys is not None:
        where += f" AND {key} IN ({', '.join(['%s'] * len(keys))})"
        params = list(keys)
    if connection.vendor == "postgresql":
        # The content check is made in the inner query, where PostgreSQL's parallel workers can hash during the
        # scan (OFFSET 0 keeps the planner from flattening it); the window's sort then moves narrow rows: keys,
        # sequence and the two hashes as 32 bytes each rather than 64 hex characters, which keeps the sort of a
        # million rows in memory (`WORK_MEM`). Measured in bench/bench_audit.py --only verify.
        prev, digest = "decode(chain_prev, 'hex')", "decode(chain_hash, 'hex')"
        genesis, cut = f"decode('{GENESIS}', 'hex')", "OFFSET 0"
    else:
        prev, digest, genesis, cut = "chain_prev", "chain_hash", f"'{GENESIS}'", "LIMIT -1 OFFSET 0"
    sql = (
        f"SELECT pk, key, chain_seq, hash, content_ok,"
        f" prev = coalesce(lag(hash) OVER (PARTITION BY key ORDER BY chain_seq), {genesis}) AS link_ok"
        f" FROM (SELECT {pk} AS pk, {key} AS key, chain_seq, {prev} AS prev, {digest} AS hash,"
        f" {_recomputed_sql(entry)} = chain_hash AS content_ok FROM {table} WHERE {where} {cut}) AS d"
    )
    return sql, params


def _describe(cursor, entry: AuditTable, bad_seq: int, gap: "Failure | None") -> "Failure":
    """What is wrong with the row at `bad_seq` (found by the one checking query)."""
    table, pk, key = _q(entry.table), _q(entry.pk), _q(entry.key)
    cursor.execute(
        f"SELECT {pk}, {key}, chain_prev, chain_hash, {_recomputed_sql(entry)} FROM {table} WHERE chain_seq = %s",
        [bad_seq],
    )
    row_pk, row_key, prev, stored, recomputed = cursor.fetchone()
    if stored != recomputed:
        detail = f"chain_seq {bad_seq}: stored hash {stored[:12]}…, its content gives {recomputed[:12]}…"
        return Failure("content changed", entry.table, row_pk, row_key, detail)
    cursor.execute(
        f"SELECT chain_hash FROM {table} WHERE {key} = %s AND chain_seq < %s AND chain_hash IS NOT NULL"
        f" ORDER BY chain_seq DESC LIMIT 1",
        [row_key, bad_seq],
    )
    before = cursor.fetchone()
    expected = before[0] if before else GENESIS
    detail = f"chain_prev {prev[:12]}… but the chain's previous row hashes to {expected[:12]}…"
    if gap is not None:  # the row before it in its chain was deleted
        return Failure("row missing", entry.table, row_pk, row_key, f"{gap.detail}; {detail}")
    return Failure("prev link broken", entry.table, row_pk, row_key, detail)


def summary_sql(entry: AuditTable, *, after_seq: int = 0, keys: list | None = None) -> tuple[str, list]:
    """The one checking query: rows checked, the highest chain_seq, the first chain_seq that fails, and (on
    PostgreSQL, for a whole table) the rows' hashes joined in chain_seq order: the seals' Merkle leaves, taken from
    this scan rather than read again for the seals (`leaves_between`'s `known`)."""
    sql, params = _checked_sql(entry, keys)
    leaves = "string_agg(hash, ''::bytea ORDER BY chain_seq)" if connection.vendor == "postgresql" and keys is None \
        else "NULL"  # fmt: skip
    return (
        f"SELECT count(*), coalesce(max(chain_seq), 0), min(CASE WHEN NOT (content_ok AND link_ok) THEN chain_seq END),"
        f" {leaves} FROM ({sql}) AS r WHERE chain_seq > %s",
        [*params, after_seq],
    )


def verify_table(
    entry: AuditTable, *, after_seq: int = 0, keys: list | None = None, sealed_to: int = 0, leaves: dict | None = None
):
    """(rows checked, first failure or None) for one table; `keys` limits it to those chains. When the table's
    rows after `after_seq` are whole (numbered without a gap) and their hashes came with the check, they are put in
    `leaves` as (after_seq, joined hashes) for the seals."""
    with connection.cursor() as cursor:
        cursor.execute(*summary_sql(entry, after_seq=after_seq, keys=keys))
        count, top, bad_seq, joined = cursor.fetchone()
        if leaves is not None and joined is not None and count == top - after_seq:
            leaves[entry.table] = (after_seq, bytes(joined))
        failure = None
        if keys is None:
            # Numbers are dense from 1: a gap (or fewer rows than the last seal counted) is a deleted row.
            total, top_all = count, top
            if after_seq:  # the first query counted only the rows after it
                cursor.execute(
                    f"SELECT count(*), coalesce(max(chain_seq), 0) FROM {_q(entry.table)} WHERE chain_hash IS NOT NULL"
                )
                total, top_all = cursor.fetchone()
            if total != top_all or top_all < sealed_to:
                cursor.execute(
                    f"SELECT s FROM (SELECT chain_seq,"
                    f" coalesce(lag(chain_seq) OVER (ORDER BY chain_seq), 0) + 1 AS s"
                    f" FROM {_q(entry.table)} WHERE chain_hash IS NOT NULL) AS g"
                    f" WHERE chain_seq <> s ORDER BY s LIMIT 1"
                )
                gap = cursor.fetchone()
                missing = gap[0] if gap else top_all + 1  # no gap: rows after the last one were deleted
                failure = Failure("row missing", entry.table, detail=f"chain_seq {missing} is absent")
        if bad_seq is not None:
            failure = _describe(cursor, entry, bad_seq, failure)
    return count, failure


def verify_seals(since: dt.date | None = None, known: dict | None = None) -> tuple[int, Failure | None]:
    """Every seal from `since`; `known`: the leaves the chain check already holds (`verify_table`)."""
    from arbitration.models import AuditSeal

    seals = list(AuditSeal.objects.order_by("day"))
    checked = 0
    previous = None
    for seal in seals:
        if since is None or seal.day >= since:
            checked += 1
            prev_hash = previous.seal_hash if previous else GENESIS
            leaves = leaves_between(previous.high_water if previous else {}, seal.high_water, known)
            merkle = merkle_root(leaves)
            expected = seal_hash(
                previous_hash=prev_hash, merkle=merkle, day=seal.day, row_count=len(leaves), high_water=seal.high_water
            )
            problem = ""
            if seal.previous_hash != prev_hash:
                problem = "its previous-seal hash is not the previous seal's"
            elif len(leaves) != seal.row_count:
                problem = f"{seal.row_count} rows sealed, {len(leaves)} found"
            elif merkle != seal.merkle_root:
                problem = "the Merkle root of its rows differs"
            elif expected != seal.seal_hash:
                problem = "its hash does not match its content"
            if problem:
                return checked, Failure("seal mismatch", detail=f"seal of {seal.day}: {problem}")
        previous = seal
    return checked, None


def run_verification(since: dt.date | None = None) -> Result:
    """Every chain (rows chained after the last seal before `since`, if given) and every seal from `since`."""
    from arbitration.models import AuditSeal

    result = Result()
    before = AuditSeal.objects.filter(day__lt=since).order_by("-day").first() if since else None
    last = AuditSeal.objects.order_by("-day").first()
    began = time.perf_counter()
    known: dict = {}
    with transaction.atomic():
        _apply_verifier_settings()
        for entry in audit_tables():
            after = int(before.high_water.get(entry.table, 0)) if before else 0
            sealed_to = int(last.high_water.get(entry.table, 0)) if last else 0
            count, failure = verify_table(entry, after_seq=after, sealed_to=sealed_to, leaves=known)
            result.rows_checked += count
            if failure is not None:
                result.failures.append(failure)
                return result
        result.chain_seconds = time.perf_counter() - began
        result.seals_checked, failure = verify_seals(since, known)
        result.seal_seconds = time.perf_counter() - began - result.chain_seconds
        if failure is not None:
            result.failures.append(failure)
    return result


def verify_chains(model, keys: list) -> Result:
    """Verify only the chains `keys` of `model`'s table (the dossier quotes these)."""
    from arbitration.audit.registry import table_of

    result = Result()
    keys = list(keys)
    if not keys:
        return result
    with transaction.atomic():
        _apply_verifier_settings()
        count, failure = verify_table(table_of(model), keys=keys)
    result.rows_checked = count
    if failure is not None:
        result.failures.append(failure)
    return result


def record_verification(since: dt.date | None = None):
    """Run the verifier and keep its result (the admin shows the last one)."""
    from arbitration.models import AuditVerification

    started = timezone.now()
    result = run_verification(since)
    verification = AuditVerification.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        since=since,
        rows_checked=result.rows_checked,
        seals_checked=result.seals_checked,
        ok=result.ok,
        first_failure=str(result.first_failure or ""),
    )
    return verification, result
