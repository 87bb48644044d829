"""`{% queue_sections data.sections %}`: the home page's queue card (docs/homes.md), written in Python in one pass.

A liaison's home shows seven sections of up to ten rows. Through the template engine each row cost some fifteen
variable and `{% if %}` nodes, each with a context lookup, a localisation check and an escape call: about a fifth of
the page's CPU. Here each row is one f-string and every value is escaped as the template escaped it (our own
translations, `{% translate %}`'s, unescaped). The markup, whitespace included, is byte for byte what the template
`arbitration/home/_queue.html` wrote (tests/arbitration/test_home_rendering.py pins it).
"""

from __future__ import annotations

from functools import cache
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext

register = template.Library()

NO_DUE = '<span class="muted">—</span>'


def _text(value) -> str:
    """`{{ value }}` in a template: a safe string as it is, anything else as text, escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


@cache
def _slug(key: str) -> str:
    return slugify(key)


def _row(item: dict) -> str:
    row, urgency, due = item["row"], item["urgency"], item["due"]
    url = _text(row.url)
    note = f'<br><span class="muted">{_text(row.note)}</span>' if row.note else ""
    if due:
        words = item["due_words"]
        due_cell = _text(due) + (f'<br><span class="due-words {_text(urgency)}">{_text(words)}</span>' if words else "")
    else:
        due_cell = NO_DUE
    return (
        f'\n    <tr class="queue-row{f" {_text(urgency)}" if urgency else ""}">\n'
        f'      <td class="nowrap"><a href="{url}">{_text(row.label)}</a></td>\n'
        f'      <td class="title-cell"><a href="{url}">{_text(row.text)}</a>{note}</td>\n'
        f'      <td class="nowrap">{due_cell}</td>\n'
        "    </tr>\n    "
    )


@register.simple_tag
def queue_sections(sections) -> SafeString:
    """The card's sections (`queues.ShownSection`), each with its heading, count, rows and link to the whole list."""
    out = []
    for shown in sections:
        key = shown.section.key
        out.append(
            f'\n<section class="card queue" id="queue-{_text(_slug(key))}" data-queue="{_text(key)}">\n'
            f"  <h2>{_text(shown.section.title)} "
            f'<span class="badge{" blue" if shown.count else ""}">{_text(shown.count_label)}</span></h2>\n  '
        )
        if shown.rows:
            more = ""
            if shown.count > len(shown.rows):
                more = (
                    f'<p><a href="{_text(shown.list_url)}">'
                    f"{gettext('All %(number)s →') % {'number': _text(shown.count_label)}}</a></p>"
                )
            out.append(
                '\n  <table class="queue-rows">\n    <tbody>\n    '
                + "".join(_row(item) for item in shown.rows)
                + f"\n    </tbody>\n  </table>\n  {more}\n  "
            )
        else:
            out.append(f'\n  <p class="empty">{gettext("Nothing waits here.")}</p>\n  ')
        out.append("\n</section>\n")
    return mark_safe("".join(out))  # every value above is escaped; our translations are written as they are
