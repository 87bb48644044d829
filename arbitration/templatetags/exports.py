"""`{% export_link "name" %}`: a list page's CSV export, with the page's current filters (docs/homes.md)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def export_link(context, name: str) -> str:
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is not None:  # the export is the whole filtered list, not one page of it
        for key in [key for key in query if key in ("page", "page_size", "cursor") or key.endswith("_cursor")]:
            query.pop(key)
    url = reverse("list-export", args=[name])
    if query:
        url = f"{url}?{query.urlencode()}"
    return format_html('<a class="button secondary export-link" href="{}">{}</a>', url, _("Export CSV"))
