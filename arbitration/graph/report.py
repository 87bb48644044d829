"""The catalogue analysis as tables (headers + rows of plain values), shared by the pages' CSV export and
`manage.py catalogue_report`, so the two never disagree."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.utils.translation import gettext as _

from .analysis import Overlap, cycles, gaps, hotspots, lead_moves_load, overlaps, settled_gaps
from .build import JurisdictionGraph

REPORT_KINDS = ("gaps", "overlaps", "hotspots")


def _dept(ref: tuple[int, str, str]) -> str:
    return f"{ref[2]}（{ref[1]}）"


def gaps_table(graph: JurisdictionGraph, at: dt.datetime) -> tuple[list[str], list[list]]:
    headers = [
        _("Matter code"),
        _("Matter"),
        _("Territory code"),
        _("Territory"),
        _("Level"),
        _("Whole subtree"),
        _("Fallback (兜底)"),
        _("Settled by"),
    ]
    rows = [
        [
            g.matter_code,
            g.matter_name,
            g.territory_code,
            g.territory_name,
            g.territory_level,
            _("yes") if g.whole_subtree else _("no"),
            g.fallback_department,
            g.settled_by,
        ]
        for g in [*gaps(graph, at=at), *settled_gaps(graph, at=at)]  # the open ones first
    ]
    return headers, rows


def _settled_words(overlap: Overlap) -> str:
    """The precedent settling the whole overlap, or those settling part of it with the territory each covers."""
    if overlap.settled_by:
        return overlap.settled_by
    parts = []
    for reference, territory in overlap.settled_within:
        where = _("only in %(territory)s") % {"territory": territory}
        parts.append(f"{reference}（{where}）")
    return "；".join(parts)


def overlaps_table(graph: JurisdictionGraph, at: dt.datetime) -> tuple[list[str], list[list]]:
    headers = [_("Matter code"), _("Matter"), _("Territory code"), _("Territory"), _("Leads"), _("Settled by")]
    rows = [
        [
            o.matter_code,
            o.matter_name,
            o.territory_code,
            o.territory_name,
            "、".join(_dept(d) for d in o.departments),
            _settled_words(o),
        ]
        for o in overlaps(graph, at=at)
    ]
    return headers, rows


def hotspots_table(graph: JurisdictionGraph, at: dt.datetime) -> tuple[list[str], list[list]]:
    moves = lead_moves_load()
    headers = [
        _("Department A"),
        _("Department B"),
        _("A → B"),
        _("B → A"),
        _("Bounces"),
        _("Tickets"),
        _("Cycles A → B → A"),
    ]
    cycle_rows = cycles(graph, moves)
    rows = []
    for pair in hotspots(graph, moves):
        ids = {pair.department_a[0], pair.department_b[0]}
        in_cycle = sum(1 for c in cycle_rows if ids <= {d[0] for d in c.departments})
        rows.append(
            [
                _dept(pair.department_a),
                _dept(pair.department_b),
                pair.a_to_b,
                pair.b_to_a,
                pair.bounces,
                pair.tickets,
                in_cycle,
            ]
        )
    return headers, rows


TABLES = {"gaps": gaps_table, "overlaps": overlaps_table, "hotspots": hotspots_table}


def report_csv(kind: str, graph: JurisdictionGraph, at: dt.datetime) -> str:
    headers, rows = TABLES[kind](graph, at)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()
