"""Figures other apps add to the leader's cockpit (docs/cockpit.md).

Supervision draws the cockpit; the legal desk has figures of its own (cases open, leads sent to the
procuratorate). Supervision and legal never import each other (ARCHITECTURE.md), so legal registers a
provider here from its `AppConfig.ready()` and supervision reads the registry:

    from arbitration.figures import cockpit_figure_register
    cockpit_figure_register("legal.cases_open", label=_("Legal cases open"), value=legal_cases_open_count)

A provider is a function of no arguments returning a whole number; it must read small tables only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CockpitFigure:
    key: str
    label: str  # a lazy translation: rendered in the viewer's language
    value: Callable[[], int]
    url: str = ""  # where the figure drills down to ("" = none); a lazy string (reverse_lazy) is welcome


COCKPIT_FIGURES: dict[str, CockpitFigure] = {}


def cockpit_figure_register(key: str, *, label, value: Callable[[], int], url: str = "") -> None:
    """Add (or replace, so a reload is harmless) the figure `key` to the cockpit."""
    COCKPIT_FIGURES[key] = CockpitFigure(key=key, label=label, value=value, url=url)


def cockpit_figures() -> list[CockpitFigure]:
    return [COCKPIT_FIGURES[key] for key in sorted(COCKPIT_FIGURES)]
