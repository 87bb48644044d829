"""The jurisdiction graph (管辖图): who owns a ticket, why, and where the catalogue has holes.

`build` turns plain rows into the graph, `cache` keeps one per process keyed by the version every duty change
bumps, `suggest` ranks owners for a ticket with explanations, `analysis` finds gaps, overlaps and hot spots.
"""

from .analysis import (
    Cycle,
    Gap,
    HotspotPair,
    LeadMove,
    Overlap,
    cycles,
    gap_pairs,
    gaps,
    hotspots,
    lead_moves_load,
    overlaps,
    settled_gaps,
)
from .build import (
    SOURCE_CATALOGUE,
    SOURCE_FALLBACK,
    SOURCE_PRECEDENT,
    CatalogueRows,
    DepartmentRow,
    DutyEdge,
    DutyRow,
    JurisdictionGraph,
    MatterRow,
    TerritoryRow,
    catalogue_rows_load,
    graph_build,
)
from .cache import current_graph, graph_cache_clear, graph_version_bump, graph_version_key, graph_warm
from .suggest import Candidate, Suggestion, applicable_duties, suggest, ticket_suggest

__all__ = [
    "SOURCE_CATALOGUE",
    "SOURCE_FALLBACK",
    "SOURCE_PRECEDENT",
    "Candidate",
    "CatalogueRows",
    "Cycle",
    "DepartmentRow",
    "DutyEdge",
    "DutyRow",
    "Gap",
    "HotspotPair",
    "JurisdictionGraph",
    "LeadMove",
    "MatterRow",
    "Overlap",
    "Suggestion",
    "TerritoryRow",
    "applicable_duties",
    "catalogue_rows_load",
    "current_graph",
    "cycles",
    "gap_pairs",
    "gaps",
    "graph_build",
    "graph_cache_clear",
    "graph_version_bump",
    "graph_version_key",
    "graph_warm",
    "hotspots",
    "lead_moves_load",
    "overlaps",
    "settled_gaps",
    "suggest",
    "ticket_suggest",
]
