"""The admin's form of one record reads as its list does: stored keys and message ids in words.

`ShownFieldsMixin` puts, in place of a stored field, a read-only method showing it in words (`shown_fields`), and
leaves out of the form what only the code reads (`hidden_fields`: a document's frozen data, whose readable form is
its PDF; internal grouping keys). Django builds a view-only form from the model's fields and the read-only ones, so
both lists are applied to `get_fields` and `get_readonly_fields`.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from arbitration.reasons import recorded_reason


class ShownFieldsMixin:
    shown_fields: dict[str, str] = {}
    hidden_fields: tuple[str, ...] = ()

    def get_fields(self, request, obj=None):
        fields = [self.shown_fields.get(name, name) for name in super().get_fields(request, obj)]
        return [name for i, name in enumerate(fields) if name not in fields[:i] and name not in self.hidden_fields]

    def get_readonly_fields(self, request, obj=None):
        fields = [self.shown_fields.get(name, name) for name in super().get_readonly_fields(request, obj)]
        shown = [name for name in self.shown_fields.values() if name not in fields]
        return [name for name in [*fields, *shown] if name not in self.hidden_fields]


class RecordedReasonMixin(ShownFieldsMixin):
    """A record whose `reason` the code may have written (a message id): shown in the reader's language."""

    shown_fields = {"reason": "reason_shown"}

    @admin.display(description=_("reason"))
    def reason_shown(self, obj) -> str:
        return recorded_reason(obj.reason) if obj is not None else ""


class IssuedDocumentMixin(ShownFieldsMixin):
    """An issued document: its frozen `data` (what the PDF was rendered from, read by the code) stays out of its
    form; the PDF is its readable form."""

    hidden_fields = ("data",)
