"""Figures other apps add to the leader's cockpit (docs/cockpit.md).

Supervision draws the cockpit; the legal desk has figures of its own (cases open, leads sent to the
procuratorate). Supervision and legal never import each other (ARCHITECTURE.md), so legal registers a
provider here from its `AppConfig.ready()` and supervision reads the registry:

    from arbitration.figures import cockpit_figure_register
    cockpit_figure_register("legal.cases_open", label=_("Legal cases open"), rows=legal_cases_open)

A provider is a function of no arguments returning either the queryset whose rows the figure counts (`rows`: the
cockpit counts every such figure in one query, docs/cockpit.md "Speed") or a whole number (`value`); it must read
small tables only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class CockpitFigure:
    key: str
    label: str  # a lazy translation: rendered in the viewer's language
    value: Callable[[], int]
    url: str = ""  # where the figure drills down to ("" = none); a lazy string (reverse_lazy) is welcome
    rows: Callable[[], QuerySet] | None = None  # the rows `value` counts, when the figure is a count of rows


COCKPIT_FIGURES: dict[str, CockpitFigure] = {}


def cockpit_figure_register(
    key: str,
    *,
    label,
    value: Callable[[], int] | None = None,
    rows: Callable[[], QuerySet] | None = None,
    url: str = "",
) -> None:
    """Add (or replace, so a reload is harmless) the figure `key` to the cockpit: `value` or `rows`, not both."""
    if (value is None) == (rows is None):
        raise ValueError("a cockpit figure has a value or rows to count, not both")
    if rows is not None:
        value = lambda: rows().count()  # noqa: E731 — the figure alone, outside the cockpit's one query
    COCKPIT_FIGURES[key] = CockpitFigure(key=key, label=label, value=value, url=url, rows=rows)


def cockpit_figures() -> list[CockpitFigure]:
    return [COCKPIT_FIGURES[key] for key in sorted(COCKPIT_FIGURES)]
