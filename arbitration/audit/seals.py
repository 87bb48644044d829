"""Daily seals: one value that proves every row chained up to a day's end (docs/audit.md).

The seal of day D covers the rows chained since the previous seal's per-table high-water marks (`chain_seq`), up
to the marks taken when D is sealed (the chainer runs first, so every row written on D is in). Its Merkle root is
sha256 pairwise over the leaves (each row's chain_hash, ordered by table then chain_seq; an odd node is paired
with itself), and its hash chains it to the previous seal:
seal_hash = sha256(previous_hash || merkle_root || day || row_count || high-water marks as sorted JSON).
"""

import datetime as dt
import hashlib
import json

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from arbitration.audit.chain import GENESIS, chain_all
from arbitration.audit.registry import audit_tables


def merkle_root(leaves: list[bytes]) -> str:
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    level = leaves
    while len(level) > 1:
        if len(level) % 2:
            level = [*level, level[-1]]
        level = [hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
    return bytes(level[0]).hex()


def seal_hash(*, previous_hash: str, merkle: str, day: dt.date, row_count: int, high_water: dict) -> str:
    marks = json.dumps(high_water, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{previous_hash}{merkle}{day.isoformat()}{row_count}{marks}".encode()).hexdigest()


def leaves_between(low: dict, high: dict, known: dict[str, tuple[int, bytes]] | None = None) -> list[bytes]:
    """The chain hashes (as 32 bytes) of every row with low[table] < chain_seq <= high[table], by table then
    chain_seq. PostgreSQL sends each table's leaves as one string: a million rows fetched one by one cost more
    than the Merkle tree built on them (bench/bench_audit.py --only verify).

    `known`: table → (s, the hashes of chain_seq s+1, s+2, … joined in that order), leaves a caller already holds
    (the verifier reads them in its chain check's own scan); a table's range inside them is sliced, not read."""
    leaves: list[bytes] = []
    known = known or {}
    with connection.cursor() as cursor:
        for entry in audit_tables():
            lo, hi = int(low.get(entry.table, 0)), int(high.get(entry.table, 0))
            if hi <= lo:
                continue
            start, held = known.get(entry.table, (None, b""))
            if start is not None and start <= lo and hi <= start + len(held) // 32:
                joined = held[(lo - start) * 32 : (hi - start) * 32]
            else:
                joined = _leaves_read(cursor, entry.table, lo, hi)
            leaves.extend(joined[i : i + 32] for i in range(0, len(joined), 32))
    return leaves


def _leaves_read(cursor, table: str, lo: int, hi: int) -> bytes:
    where = f'FROM "{table}" WHERE chain_seq > %s AND chain_seq <= %s'
    if connection.vendor == "postgresql":
        cursor.execute(f"SELECT string_agg(chain_hash, '' ORDER BY chain_seq) {where}", [lo, hi])
        return bytes.fromhex(cursor.fetchone()[0] or "")
    cursor.execute(f"SELECT chain_hash {where} ORDER BY chain_seq", [lo, hi])
    return b"".join(bytes.fromhex(row[0]) for row in cursor.fetchall())


def _high_water() -> dict:
    from arbitration.models import AuditChainHead

    known = {t.table for t in audit_tables()}
    return {h.table: h.last_seq for h in AuditChainHead.objects.all() if h.table in known and h.last_seq}


def seal_day(day: dt.date):
    """Seal `day` (chaining first). Returns the seal, the existing one if already sealed, or None when a later
    day is already sealed (seals only move forward: a seal covers everything chained before it)."""
    from arbitration.models import AuditSeal

    existing = AuditSeal.objects.filter(day=day).first()
    if existing is not None:
        return existing
    chain_all(wait=True)
    previous = AuditSeal.objects.order_by("-day").first()
    if previous is not None and previous.day > day:
        return None
    try:
        with transaction.atomic():
            high = _high_water()
            low = previous.high_water if previous else {}
            leaves = leaves_between(low, high)
            merkle = merkle_root(leaves)
            prev_hash = previous.seal_hash if previous else GENESIS
            return AuditSeal.objects.create(
                day=day,
                high_water=high,
                row_count=len(leaves),
                merkle_root=merkle,
                previous_hash=prev_hash,
                seal_hash=seal_hash(
                    previous_hash=prev_hash, merkle=merkle, day=day, row_count=len(leaves), high_water=high
                ),
            )
    except IntegrityError:  # sealed concurrently by another worker
        return AuditSeal.objects.filter(day=day).first()


def seal_previous_day(on: dt.date):
    """The seal a document issued on `on` prints: the seal of the day before (sealed now if it is not yet).

    None when that day cannot be sealed (it is not over yet, or a later day is already sealed)."""
    day = on - dt.timedelta(days=1)
    if day >= timezone.localdate():
        return None
    return seal_day(day)
