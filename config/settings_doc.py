"""docs/settings.md, generated from config/settings/base.py: every MINGZE_* environment variable a centre may set,
with its default and the comment above it, under the settings file's own section headings.

`python -m config.settings_doc` rewrites the page; tests/test_settings_doc.py fails when the page and the settings
file disagree, so the page cannot go stale.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "config" / "settings" / "base.py"
PAGE = ROOT / "docs" / "settings.md"
SECTION = re.compile(r"^# -+ (.+?) -*$")

HEADER = """# Settings a centre changes

Every `MINGZE_*` environment variable Mingze reads, with its default, grouped as in `config/settings/base.py`.
Set them in the environment of every process (web server, Celery worker and beat; `.env.example` lists the
deployment's own variables: `SECRET_KEY`, `ALLOWED_HOSTS`, `DATABASE_URL`, the broker). A value that does not
fit is refused when the process starts, never read half-way.

This page is generated from the settings file: after changing a setting, run `python -m config.settings_doc`
(tests/test_settings_doc.py fails while the page is out of date). Lists are comma-separated
(`MINGZE_SCORE_WEIGHTS=15,15,10,60`), mappings `key=value,key=value`, booleans `true`/`false`.
"""


def _env_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        named = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env"
        )
        first = node.args[0]
        if named and isinstance(first, ast.Constant) and str(first.value).startswith("MINGZE_"):
            yield node


def _comment_above(lines: list[str], index: int) -> str:
    """The comment above line `index` (0-based), without section headings. Settings written one after another
    under one comment (no blank line between) share it."""
    while index > 0 and lines[index - 1].strip() and not lines[index - 1].lstrip().startswith("#"):
        index -= 1
    comment = []
    while index > 0 and lines[index - 1].lstrip().startswith("#") and not SECTION.match(lines[index - 1].strip()):
        index -= 1
        comment.insert(0, lines[index].strip().lstrip("#").strip())
    return " ".join(comment)


def _statement_starts(tree: ast.Module) -> list[int]:
    return sorted(node.lineno for node in tree.body)


def settings_rows(source: str | None = None) -> list[tuple[str, str, str, str, str]]:
    """(section, variable, type, default, comment) for every MINGZE_ variable, in file order; first use wins."""
    source = source if source is not None else SETTINGS.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    starts = _statement_starts(tree)
    rows, seen = [], set()
    for call in sorted(_env_calls(tree), key=lambda node: (node.lineno, node.col_offset)):
        name = call.args[0].value
        if name in seen:
            continue
        seen.add(name)
        kind = call.func.attr if isinstance(call.func, ast.Attribute) else "str"
        default = next((kw for kw in call.keywords if kw.arg == "default"), None)
        default_text = ast.get_source_segment(source, default.value) if default is not None else "(required)"
        statement = max(start for start in starts if start <= call.lineno)
        inline = lines[call.lineno - 1].split("  # ", 1)
        comment = inline[1].strip() if len(inline) == 2 else _comment_above(lines, statement - 1)
        section = next(
            (
                SECTION.match(line.strip()).group(1)
                for line in reversed(lines[:statement])
                if SECTION.match(line.strip())
            ),
            "General",
        )
        rows.append((section, name, kind, default_text, comment))
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(source: str | None = None) -> str:
    out = [HEADER]
    section = None
    for row_section, name, kind, default, comment in settings_rows(source):
        if row_section != section:
            section = row_section
            out.append(f"\n## {section}\n\n| variable | type | default | what it sets |\n|---|---|---|---|")
        out.append(f"| `{name}` | {kind} | `{_cell(default)}` | {_cell(comment)} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
