"""The daily count of the catalogue's gaps and overlaps (docs/cockpit.md, "Catalogue health")."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from arbitration.graph import analysis
from arbitration.graph.cache import current_graph
from supervision.models import CatalogueHealth


def catalogue_health_record(*, now: dt.datetime | None = None) -> CatalogueHealth:
    """Count today's gaps and overlaps on the current graph; a second run the same day replaces the first."""
    now = now or timezone.now()
    graph = current_graph()
    overlaps = analysis.overlaps(graph, at=now)
    settled = sum(1 for overlap in overlaps if overlap.settled_by)
    row, _created = CatalogueHealth.objects.update_or_create(
        day=timezone.localdate(now),
        defaults={
            "gaps": len(analysis.gaps(graph, at=now)),
            "settled_gaps": len(analysis.settled_gaps(graph, at=now)),
            "overlaps": len(overlaps) - settled,
            "settled_overlaps": settled,
        },
    )
    return row
