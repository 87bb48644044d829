"""Rendering pending and failed documents as a spread kind (arbitration.spread; docs/spread.md): the documents due
are cut into partitions of about equal count; each renders its own with `documents_render`, which skips what was
rendered meanwhile, so a partition done twice renders nothing twice."""

from __future__ import annotations

import datetime as dt

from arbitration.spread import SpreadKind, partitions_count

from .tasks import documents_due, documents_render


def documents_plan(params: dict) -> tuple[dict, list[dict]]:
    grace = dt.timedelta(seconds=params.get("pending_grace_seconds", 0))
    due = documents_due(max_attempts=params.get("max_attempts"), pending_grace=grace)
    size = -(-len(due) // partitions_count()) if due else 1
    parts = [{"documents": [list(item) for item in due[i : i + size]]} for i in range(0, len(due), size)]
    return params, parts


def documents_work(params: dict, part: dict) -> dict:
    rendered, failed = documents_render([(label, pk) for label, pk in part["documents"]])
    return {"rendered": rendered, "failed": failed}


def documents_join(params: dict, results: list[dict]) -> dict:
    return {name: sum(result[name] for result in results) for name in ("rendered", "failed")}


DOCUMENTS = SpreadKind("documents", documents_plan, documents_work, documents_join)
