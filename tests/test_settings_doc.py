"""docs/settings.md lists every MINGZE_* variable config/settings reads, as config/settings_doc.py renders it."""

import re
from pathlib import Path

from config.settings_doc import PAGE, render, settings_rows

SETTINGS_DIR = Path(__file__).resolve().parent.parent / "config" / "settings"


def test_the_settings_page_is_current():
    assert PAGE.read_text(encoding="utf-8") == render(), "docs/settings.md is stale: run python -m config.settings_doc"


def test_every_variable_the_settings_read_is_on_the_page():
    read = set()
    for path in SETTINGS_DIR.glob("*.py"):
        read |= set(re.findall(r'env(?:\.\w+)?\(\s*"(MINGZE_[A-Z0-9_]+)"', path.read_text(encoding="utf-8")))
    listed = {name for _section, name, _kind, _default, _comment in settings_rows()}
    assert read and read <= listed, sorted(read - listed)


def test_a_new_setting_changes_the_page():
    source = '# --- Demo section ---\n# How long it lasts.\nMINGZE_X = env.int("MINGZE_X", default=3)\n'
    assert "| `MINGZE_X` | int | `3` | How long it lasts. |" in render(source)
