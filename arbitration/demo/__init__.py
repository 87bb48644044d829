"""The demo city behind `manage.py seed_demo`: a fictional prefecture-level city, 明州市, with its catalogue,
people and tickets.

The city is fictional on purpose (docs/domain.md §8): only the province code is real (37, Shandong); the city code
3785 and every name under it are invented, so no real place is misrepresented.

Modules: `names` (word lists), `city` (territories, departments, matters, duties, with deliberate gaps and
overlaps), `people` (one or more users per role), `tickets` (ticket text and the intake generator),
`context` (`DemoCity` and `DemoContext`, what extenders receive), `build` (puts it all together).

Extending the demo
------------------
Two ways, both run after the city, the users and the tickets exist:

1. **Inside arbitration** (graph precedents, bounces, disputes, the conference): write a function that takes a
   `DemoContext` and returns nothing, then add its dotted path to `EXTENDERS` below with a one-line, additive
   edit, e.g. ``"arbitration.conference.demo.demo_extend"``. Extenders run in list order. Each one must:
   - draw every random choice from ``context.rng`` (never the global `random`), so `--seed` stays reproducible;
   - write through services (history user/reason: ``actor=context.admin``, ``reason=context.reason``);
   - say what it added in one line: ``context.stdout.write("…")``;
   - find its material in the context: ``context.city`` (territories, departments, matters, the gaps and
     overlaps built in), ``context.users`` (by username), ``context.ping_pong`` (hotline numbers of open tickets
     on overlap or gap matters, ready to be bounced back and forth), ``context.repeat_clusters``.
2. **Outside arbitration** (supervision, legal): connect a receiver to ``arbitration.signals.demo_seeded`` in
   your ``AppConfig.ready()``. It is sent after the extenders with ``context``, ``rng``, ``stdout``, ``city`` and
   ``users`` as keyword arguments; the same rules apply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from arbitration.demo.context import DemoContext

# Dotted paths of functions `f(context: DemoContext) -> None`, run in this order (see the module docstring).
EXTENDERS: list[str] = [
    "arbitration.graph.demo.demo_extend",
    "arbitration.conference_demo.demo_extend",
]


def run_extenders(context: DemoContext) -> None:
    """Call every extender in `EXTENDERS` in order."""
    for path in EXTENDERS:
        import_string(path)(context)
