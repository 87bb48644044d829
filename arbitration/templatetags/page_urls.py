"""`{{ "ticket-list"|page_url }}`: a page's URL like `{% url "ticket-list" %}`, reversed once per process
(arbitration/page_urls.py). The navigation uses it for its fixed links."""

from django import template

from arbitration import page_urls

register = template.Library()


@register.filter
def page_url(name: str, arg: str | None = None) -> str:
    return page_urls.page_url(name) if arg is None else page_urls.page_url(name, arg)
