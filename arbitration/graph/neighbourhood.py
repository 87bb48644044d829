"""A node's neighbourhood as cytoscape.js elements, for the graph view page. Pure apart from the moves given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from .analysis import LeadMove, hotspots
from .build import JurisdictionGraph

# A bureau may hold thousands of duties at city scale; a drawing with more edges than this is unreadable.
MAX_EDGES = 300


def _node_id(node: tuple) -> str:
    return f"{node[0]}:{node[1]}"


def _label(graph: JurisdictionGraph, node: tuple) -> str:
    data = graph.graph.nodes[node]
    return data["name"] if node[0] == "territory" else f"{data['name']}"


def _role_label(role: str) -> str:
    return {"lead": _("Lead"), "co_handler": _("Co-handler"), "regulator": _("Regulator (copied)")}.get(role, role)


class _Drawing:
    def __init__(self, graph: JurisdictionGraph) -> None:
        self.graph, self.nodes, self.edges, self.truncated = graph, {}, [], False

    def node(self, node: tuple, *, focus: bool = False) -> str:
        node_id = _node_id(node)
        if node_id not in self.nodes:
            kind = node[0]
            if kind == "department":
                kind = self.graph.graph.nodes[node]["kind"]
                kind = "bureau" if kind not in ("district", "zone", "street", "community") else "territorial"
            self.nodes[node_id] = {
                "data": {"id": node_id, "label": _label(self.graph, node), "kind": kind, "focus": focus}
            }
        return node_id

    def edge(self, source: tuple, target: tuple, kind: str, label: str = "") -> None:
        if len(self.edges) >= MAX_EDGES:
            self.truncated = True
            return
        s, t = self.node(source), self.node(target)
        self.edges.append(
            {"data": {"id": f"e{len(self.edges)}", "source": s, "target": t, "kind": kind, "label": label}}
        )

    def result(self) -> dict:
        return {"elements": [*self.nodes.values(), *self.edges], "truncated": self.truncated}


def _duty_label(graph: JurisdictionGraph, duty) -> str:
    parts = [_role_label(duty.role), graph.territories[duty.territory_code].name]
    if duty.source_reference:
        parts.append(duty.source_reference)
    return " · ".join(parts)


def department_neighbourhood(
    graph: JurisdictionGraph, department_id: int, *, at: dt.datetime, moves: Iterable[LeadMove] = ()
) -> dict:
    """Its duties and precedents (to matters), the territory it governs, the sectors it regulates, its parent and
    children, and dispute edges to the departments it exchanges tickets with."""
    drawing, me = _Drawing(graph), ("department", department_id)
    if me not in graph.graph:
        return drawing.result()
    drawing.node(me, focus=True)
    for source, target, data in graph.graph.in_edges(me, data=True):
        if data["kind"] == "duty" and data["duty"].valid_at(at):
            drawing.edge(
                source,
                target,
                "precedent" if data["duty"].tier == "precedent" else "duty",
                _duty_label(graph, data["duty"]),
            )
        elif data["kind"] == "contains":
            drawing.edge(source, target, "contains", _("parent"))
    for source, target, data in graph.graph.out_edges(me, data=True):
        if data["kind"] in ("governs", "regulates", "contains"):
            label = {"governs": _("governs"), "regulates": _("regulates"), "contains": _("parent")}[data["kind"]]
            drawing.edge(source, target, data["kind"], label)
    for pair in hotspots(graph, moves):
        if department_id in (pair.department_a[0], pair.department_b[0]):
            drawing.edge(
                ("department", pair.department_a[0]),
                ("department", pair.department_b[0]),
                "dispute",
                _("{count} moves").format(count=pair.total),
            )
    return drawing.result()


def matter_neighbourhood(graph: JurisdictionGraph, matter_id: int, *, at: dt.datetime) -> dict:
    """Its category and sub-matters, the departments holding duties or precedents for it and where, and its
    regulators."""
    drawing, me = _Drawing(graph), ("matter", matter_id)
    if me not in graph.graph:
        return drawing.result()
    drawing.node(me, focus=True)
    for source, target, data in graph.graph.in_edges(me, data=True):
        label = {"contains": _("category"), "regulates": _("regulates")}.get(data["kind"], "")
        drawing.edge(source, target, data["kind"], label)
    for source, target, data in graph.graph.out_edges(me, data=True):
        if data["kind"] == "duty":
            if data["duty"].valid_at(at):
                drawing.edge(
                    source,
                    target,
                    "precedent" if data["duty"].tier == "precedent" else "duty",
                    _duty_label(graph, data["duty"]),
                )
        else:
            drawing.edge(source, target, data["kind"], _("sub-matter"))
    return drawing.result()
