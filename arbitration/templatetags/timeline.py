"""`{% timeline_entries entries %}`: a record's timeline (`selectors.TimelineEntry`: the ticket page, a dispute, a
supervision case), written in Python in one pass.

A ticket's story is tens of entries, each some fifteen template nodes (two date filters, a nested `{% if %}` for
what happened, the diff's rows). Here each entry is one f-string, every value escaped as the template escaped it
and our own translations written as `{% translate %}` wrote them. The markup, whitespace included, is byte for
byte what `arbitration/_timeline.html` wrote (tests/arbitration/test_ticket_detail_page.py pins it).
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from arbitration.templatetags.queue_card import _text
from arbitration.templatetags.ticket_table import minute

register = template.Library()


def _iso(moment, zone) -> str:
    """`{{ moment|date:'c' }}`: ISO 8601 in `zone` (the current time zone)."""
    if moment is None or moment == "":
        return ""
    if settings.USE_TZ and timezone.is_aware(moment):
        moment = moment.astimezone(zone)
    return moment.isoformat()


@register.simple_tag
def timeline_entries(entries) -> SafeString:
    if not entries:
        return mark_safe(f'\n<p class="muted">{gettext("Nothing recorded yet.")}</p>')
    zone = timezone.get_current_timezone()
    actions = {"created": gettext("created"), "deleted": gettext("deleted")}
    changed, reason_word = gettext("changed"), gettext("Reason")
    out = []
    for entry in entries:
        hotline_no = getattr(entry, "hotline_no", "")  # timelines over several tickets name each
        badge = f'<span class="ticket badge">{_text(hotline_no)}</span>' if hotline_no else ""
        if entry.source == "history":
            what = f"{_text(entry.subject)} · {actions.get(entry.action, changed)}"
        else:
            what = _text(entry.action)
        why = f'<div class="why">{reason_word}: {_text(entry.reason)}</div>' if entry.reason else ""
        diff = ""
        if entry.changes:
            diff = (
                '\n    <table class="diff">\n      '
                + "".join(
                    f'<tr><th>{_text(change.label)}</th><td class="old">{_text(change.old)}</td>'
                    f'<td class="arrow">→</td><td class="new">{_text(change.new)}</td></tr>'
                    for change in entry.changes
                )
                + "\n    </table>\n    "
            )
        out.append(
            f'\n  <li class="timeline-{_text(entry.source)}">\n'
            '    <div class="timeline-head">\n'
            f'      <time datetime="{_iso(entry.at, zone)}">{minute(entry.at, zone)}</time>\n'
            f"      {badge}\n"
            f'      <span class="who">{_text(entry.actor)}</span>\n'
            f'      <span class="what">{what}</span>\n'
            "    </div>\n"
            f"    {why}\n    {diff}\n  </li>\n  "
        )
    # Every value above is escaped; our own translations are written as {% translate %} wrote them.
    return mark_safe('\n\n<ol class="timeline">\n  ' + "".join(out) + "\n</ol>\n")
