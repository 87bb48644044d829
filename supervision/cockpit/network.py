"""The dispute network (docs/cockpit.md, "Dispute network"): departments as nodes, bounces and disputes as edges.

Read from the daily friction counts over a period, so it costs the same at any number of tickets:
- an edge A → B weighs the bounces A sent towards B (the department A proposed) plus the disputes between A and B;
  a dispute has no direction, so it adds its weight both ways;
- **rings**: simple cycles of two or more departments (A → B → A, A → B → C → A), searched up to
  MINGZE_NETWORK_RING_MAX_LENGTH departments and listed heaviest first, at most MINGZE_NETWORK_RING_LIMIT;
  a ring's weight is its lightest edge (how many times at least the ticket went all the way round);
- **clusters**: strongly connected components of two or more departments (each can reach each other);
- **centrality**: betweenness centrality, treating a heavy edge as a short one (distance = 1 / weight), so the
  departments most often in the middle of the traffic rank first.
"""

from __future__ import annotations

from collections import Counter
from itertools import islice

import networkx as nx
from django.conf import settings
from django.db.models import Sum

from arbitration.models import Department
from supervision.cockpit.period import Period
from supervision.models import DailyFriction, FrictionKind


def friction_graph(period: Period) -> nx.DiGraph:
    """The weighted graph of the period; each edge also keeps its bounces and disputes apart."""
    rows = (
        DailyFriction.objects.filter(day__gte=period.first, day__lte=period.last)
        .exclude(from_department_id=0)
        .exclude(to_department_id=0)
        .values_list("kind", "from_department_id", "to_department_id")
        .annotate(n=Sum("events"))
        .order_by()
    )
    bounces: Counter = Counter()
    disputes: Counter = Counter()
    for kind, source, target, n in rows:
        if source == target:
            continue
        if kind == FrictionKind.BOUNCE:
            bounces[(source, target)] += n
        else:
            disputes[(source, target)] += n
            disputes[(target, source)] += n
    graph = nx.DiGraph()
    for source, target in set(bounces) | set(disputes):
        b, d = bounces[(source, target)], disputes[(source, target)]
        graph.add_edge(source, target, bounces=b, disputes=d, weight=b + d, distance=1 / (b + d))
    return graph


def rings(graph: nx.DiGraph) -> list[dict]:
    found = []
    cycles = nx.simple_cycles(graph, length_bound=settings.MINGZE_NETWORK_RING_MAX_LENGTH)
    # The bound on length keeps the search polynomial; the cap on how many are read keeps a dense graph cheap.
    for cycle in islice(cycles, settings.MINGZE_NETWORK_RING_LIMIT * 20):
        edges = list(zip(cycle, cycle[1:] + cycle[:1], strict=True))
        found.append({"departments": _canonical(cycle), "weight": min(graph.edges[e]["weight"] for e in edges)})
    found.sort(key=lambda ring: (-ring["weight"], len(ring["departments"]), ring["departments"]))
    return found[: settings.MINGZE_NETWORK_RING_LIMIT]


def _canonical(cycle: list[int]) -> list[int]:
    """The same ring always read from its lowest id, so equal rings compare equal."""
    start = cycle.index(min(cycle))
    return cycle[start:] + cycle[:start]


def dispute_network(period: Period) -> dict:
    graph = friction_graph(period)
    names = dict(Department.objects.filter(pk__in=list(graph.nodes)).values_list("pk", "name"))
    centrality = nx.betweenness_centrality(graph, weight="distance") if graph.number_of_nodes() > 2 else {}
    clusters = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    return {
        "nodes": [
            {"id": node, "label": names.get(node, str(node)), "centrality": round(centrality.get(node, 0.0), 4)}
            for node in sorted(graph.nodes)
        ],
        "edges": [
            {"source": s, "target": t, "bounces": d["bounces"], "disputes": d["disputes"], "weight": d["weight"]}
            for s, t, d in sorted(graph.edges(data=True))
        ],
        "rings": rings(graph),
        "clusters": sorted(clusters, key=lambda c: (-len(c), c)),
        "central": sorted(
            ({"id": n, "label": names.get(n, str(n)), "centrality": round(v, 4)} for n, v in centrality.items() if v),
            key=lambda row: -row["centrality"],
        )[:10],
    }
