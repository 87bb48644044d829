"""The apps' import rule (ARCHITECTURE.md): supervision and legal may import arbitration; arbitration imports
neither, not even inside a function; supervision and legal never import each other; no app imports config."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "arbitration": {"supervision", "legal", "config"},
    "supervision": {"legal", "config"},
    "legal": {"supervision", "config"},
}


def imported_top_levels(source: str) -> set[str]:
    """Every top-level package a module imports, anywhere in it (functions included)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", ""))
            in {
                "import_module",
                "__import__",
            }
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value.split(".")[0])
    return names


def test_the_checker_sees_imports_inside_functions():
    source = "def f():\n    from supervision.models import Case\n    import legal.services\n"
    assert imported_top_levels(source) == {"supervision", "legal"}


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_app_imports_only_what_the_layering_allows(app):
    offenders = []
    for path in sorted((ROOT / app).rglob("*.py")):
        bad = imported_top_levels(path.read_text(encoding="utf-8")) & FORBIDDEN[app]
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {', '.join(sorted(bad))}")
    assert offenders == []
