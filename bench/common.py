"""What several benchmarks share: their own PostgreSQL database, a bench city of many tickets, and the median time
of a repeated call."""

from __future__ import annotations

import statistics
import time


def ensure_database(url: str) -> None:
    """Create the benchmark's database (the last part of `url`) if it does not exist yet."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def timed(function, repeat: int = 1) -> tuple[float, object]:
    """(median seconds over `repeat` calls, the last call's result)."""
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


CHUNK = 1_000_000


def city_generate(cursor, tickets: int, open_tickets: int) -> None:
    """A bench city straight into the tables with INSERT … SELECT generate_series (no history: bench data only):
    10 districts, 100 streets and 2,000 communities, 500 matters, 100 bureaus, then tickets in chunks of a million
    with the ticket indexes dropped and rebuilt; of the open tickets 5 % are overdue and 1 % near their limit, the
    rest due later; dispatched tickets get a lead assignment."""
    cursor.execute("TRUNCATE arbitration_ticket, arbitration_assignment, arbitration_ticketevent CASCADE")
    # Places as a city has them: 10 districts of 10 streets, each street with 20 communities; tickets are filed on
    # communities, and the page's territory filter offers streets and districts.
    cursor.execute("""
        INSERT INTO arbitration_territory (code, name, level, parent_id, path)
        SELECT 'ZQ' || lpad(g::text, 2, '0'), '区' || g, 2, NULL, '/ZQ' || lpad(g::text, 2, '0') || '/'
        FROM generate_series(1, 10) g ON CONFLICT (code) DO NOTHING""")
    cursor.execute("""
        INSERT INTO arbitration_territory (code, name, level, parent_id, path)
        SELECT 'ZJ' || lpad(g::text, 3, '0'), '街道' || g, 3, d.id, d.path || 'ZJ' || lpad(g::text, 3, '0') || '/'
        FROM generate_series(1, 100) g
        JOIN arbitration_territory d ON d.code = 'ZQ' || lpad((1 + (g - 1) / 10)::text, 2, '0')
        ON CONFLICT (code) DO NOTHING""")
    cursor.execute("""
        INSERT INTO arbitration_territory (code, name, level, parent_id, path)
        SELECT 'B' || lpad(g::text, 6, '0'), '社区' || g, 4, s.id, s.path || 'B' || lpad(g::text, 6, '0') || '/'
        FROM generate_series(1, 2000) g
        JOIN arbitration_territory s ON s.code = 'ZJ' || lpad((1 + (g - 1) / 20)::text, 3, '0')
        ON CONFLICT (code) DO NOTHING""")
    cursor.execute("""
        INSERT INTO arbitration_matter (code, name, level, parent_id, legal_type, path)
        SELECT 'BM' || lpad(g::text, 4, '0'), '事项' || g, 3, NULL, false, '/BM' || lpad(g::text, 4, '0') || '/'
        FROM generate_series(1, 500) g ON CONFLICT (code) DO NOTHING""")
    cursor.execute("""
        INSERT INTO arbitration_department (code, name, kind, parent_id, territory_id, is_active)
        SELECT 'BD' || g, '单位' || g, 'bureau', NULL, NULL, true FROM generate_series(1, 100) g
        ON CONFLICT (code) DO NOTHING""")
    # The unique constraint on hotline_no owns its index: drop the constraint, and the other indexes by name.
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = 'arbitration_ticket'::regclass AND contype = 'u'"
    )
    uniques = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'arbitration_ticket' "
        "AND indexname NOT LIKE '%%pkey' AND NOT indexname = ANY(%s)",
        [uniques],
    )
    indexes = cursor.fetchall()
    for name in uniques:
        cursor.execute(f'ALTER TABLE arbitration_ticket DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    for start in range(1, tickets + 1, CHUNK):
        end = min(start + CHUNK - 1, tickets)
        began = time.perf_counter()
        cursor.execute(TICKETS_SQL, {"start": start, "end": end, "open": open_tickets})
        print(f"  tickets {start:,}–{end:,}: {time.perf_counter() - began:.1f} s", flush=True)
    began = time.perf_counter()
    for name in uniques:
        cursor.execute(f'ALTER TABLE arbitration_ticket ADD CONSTRAINT "{name}" UNIQUE (hotline_no)')
    for _name, definition in indexes:
        cursor.execute(definition)
    print(f"  ticket indexes rebuilt: {time.perf_counter() - began:.1f} s", flush=True)
    cursor.execute("""
        INSERT INTO arbitration_assignment (ticket_id, department_id, role, method, assigned_at, reason,
                                            ticket_received_at, ticket_status, ticket_due_at,
                                            ticket_matter_id, ticket_territory_id)
        SELECT t.id, d.ids[1 + (t.id % 100)], 'lead', 'direct', t.dispatched_at, '', t.received_at, t.status, t.due_at,
               t.matter_id, t.territory_id
        FROM arbitration_ticket t, (SELECT array_agg(id ORDER BY id) AS ids FROM arbitration_department
                                    WHERE code LIKE 'BD%%') d
        WHERE t.status = 'dispatched'""")
    # What autovacuum does to a table of this size in production: statistics, and the visibility map that lets
    # the sweep's window scans read the covering index alone.
    cursor.execute("VACUUM ANALYZE")


TICKETS_SQL = """
WITH ref AS (
    SELECT (SELECT array_agg(id ORDER BY id) FROM arbitration_matter WHERE code LIKE 'BM%%') AS matters,
           (SELECT array_agg(id ORDER BY id) FROM arbitration_territory WHERE code LIKE 'B%%') AS places,
           (SELECT id FROM arbitration_timelimittier WHERE is_default) AS tier
), rows AS (
    SELECT g, g <= %(open)s AS is_open, random() AS u,
           CASE WHEN g <= %(open)s THEN now() - random() * interval '10 days'
                ELSE now() - interval '15 days' - random() * interval '1080 days' END AS received
    FROM generate_series(%(start)s::bigint, %(end)s::bigint) g
)
INSERT INTO arbitration_ticket (hotline_no, received_at, dispatched_at, channel, request_type, matter_id,
    territory_id, address, title, content, citizen_name, citizen_phone, confidential, time_limit_tier_id, due_at,
    due_unknown_reason, status, resolution, satisfaction, result, replied_at, closed_at, updated_at, rehandle_count,
    reminder_count, dispatch_round)
SELECT 'B' || lpad(g::text, 10, '0'), received, received + interval '1 hour', 'phone', 'complaint',
       ref.matters[1 + floor(random() * 500)::int], ref.places[1 + floor(random() * 2000)::int], '', '工单', '内容',
       '', '13' || lpad(floor(random() * 1e9)::bigint::text, 9, '0'), false, ref.tier,
       CASE WHEN NOT is_open THEN received + interval '5 days'
            WHEN u < 0.05 THEN now() - random() * interval '5 days'
            WHEN u < 0.06 THEN now() + random() * interval '20 hours'
            ELSE now() + interval '3 days' + random() * interval '12 days' END,
       '', CASE WHEN is_open THEN 'dispatched' ELSE 'closed' END, CASE WHEN is_open THEN '' ELSE 'resolved' END,
       CASE WHEN is_open THEN '' ELSE 'satisfied' END, CASE WHEN is_open THEN '' ELSE '已办结' END,
       CASE WHEN is_open THEN NULL ELSE received + interval '2 days' END,
       CASE WHEN is_open THEN NULL ELSE received + interval '3 days' END, now(), 0, 0, 1
FROM rows, ref
"""
