"""The per-process graph cache and the version that invalidates it.

Every change to the graph's sources (duties, and so precedents) calls `graph_version_bump` inside its own
transaction (see services.catalogue), so the new version becomes visible exactly when the change commits.
Each process keeps one built graph under the version key it was built from and compares that key with the
database on every use: one indexed single-row read.

The key is (number, changed_at), not the number alone. A graph may be built inside a transaction that has
bumped the version but not yet committed (a dispatch right after a new precedent, in one transaction); if that
transaction rolls back, the number it saw will be reached again by a later, different change — but never
with the same changed_at, so the stale build can never be mistaken for the later one.

Concurrency, and why a rebuild never blocks a request for longer than the build itself:
- the build reads plain rows with ordinary SELECTs and takes no database lock, so writers are never held up;
- within a process, threads that find the cache stale wait on one per-process lock while a single thread
  builds; once it is done they all use its graph (a re-check under the lock stops them building again).
  Waiting rather than serving the old graph is deliberate: a dispatcher who has just changed the catalogue
  must see the change on the next suggestion, in any process;
- the version is read *before* the rows, so a graph is never labelled newer than its content (a change
  landing in between only causes one extra rebuild on the next use).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Hashable

from django.db import transaction

from arbitration.models import GraphVersion

from .build import JurisdictionGraph, catalogue_rows_load, graph_build

GRAPH_VERSION_PK = 1  # the single row
_build_lock = threading.Lock()
_current: JurisdictionGraph | None = None


def graph_version_key() -> Hashable:
    """The current (number, changed_at) of the graph's sources, as this connection sees it."""
    row = GraphVersion.objects.filter(pk=GRAPH_VERSION_PK).values_list("number", "changed_at").first()
    return tuple(row) if row else (0, None)


@transaction.atomic
def graph_version_bump() -> int:
    """Move the version on; call it in the transaction of every change to duties or precedents.

    The row lock serialises concurrent catalogue changes, which are rare, so that no two commits can share
    a number; get_or_create survives two first bumps racing to insert the row.
    """
    version, _created = GraphVersion.objects.select_for_update().get_or_create(pk=GRAPH_VERSION_PK)
    version.number += 1
    version.save(update_fields=["number", "changed_at"])
    return version.number


def current_graph() -> JurisdictionGraph:
    """The graph for the database's current version, rebuilt first if this process's copy is stale."""
    global _current
    graph = _current
    if graph is not None and graph.version == graph_version_key():
        return graph
    with _build_lock:
        key = graph_version_key()  # read again: another thread may have built while we waited
        graph = _current
        if graph is not None and graph.version == key:
            return graph
        graph = graph_build(catalogue_rows_load(), version=key)
        _current = graph
        if _request.active:
            _request.settle = True  # after the response has gone out (request_finished)
        else:
            heap_settle()
        return graph


def graph_warm() -> None:
    """Build this process's graph before it answers anyone (gunicorn.conf.py calls it as each worker starts).

    Otherwise the first ticket page a worker serves builds it (about 0.3 s: the suggestion panel asks for it) and the
    worker's next request waits while the heap settles (about 0.25 s): at 10 M tickets the ticket page's p95 was
    these two, 458 ms, where its queries take a few milliseconds (docs/scale.md). Outside a request the heap settles
    here, before the first request arrives. A catalogue change still costs each worker one build, on its next use."""
    current_graph()


class _RequestState(threading.local):
    active = False  # this thread is answering an HTTP request
    settle = False  # and has built a graph whose heap settling waits for the response to go out


_request = _RequestState()


def request_started(**_kwargs) -> None:
    _request.active = True


def request_finished(**_kwargs) -> None:
    """Settle the heap once the client has its answer: the full collection costs a worker ~0.1 s, which the
    chair closing an item (a ruling re-dispatches, so it uses the new graph) should not wait for."""
    _request.active = False
    if _request.settle:
        _request.settle = False
        heap_settle()


def heap_settle() -> None:
    """Collect the previous graph, then move everything alive (the new graph included) out of the garbage
    collector's sight.

    A built graph is hundreds of thousands of long-lived objects; every full collection would walk them all
    and stall whichever request triggered it (tens of milliseconds at city scale: the p99 of suggestions).
    Frozen objects are not examined, so a request never pays for the graph. Unfreezing first lets the
    collection free the replaced graph, whose views refer back to it in cycles.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def graph_cache_clear() -> None:
    """Forget this process's graph (tests, and after restoring a database behind the process's back)."""
    global _current
    with _build_lock:
        _current = None
