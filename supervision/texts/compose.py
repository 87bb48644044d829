"""A letter's words: its kind's current template, filled with the facts of its subject and of the act of issuing.

The same composition serves the draft page's preview and the issue itself; what is issued is frozen with the
letter (`LetterText.snapshot`), so the template may change afterwards without changing any issued letter.
"""

from __future__ import annotations

from dataclasses import dataclass

from arbitration.calendar import WorkingCalendar
from supervision.choices import LetterKind
from supervision.errors import LetterTemplateInvalid, LetterTemplateMissing
from supervision.models import LetterDraft, LetterTemplate
from supervision.texts.facts import Issue, letter_facts
from supervision.texts.placeholders import template_errors, template_fill


@dataclass(frozen=True)
class LetterText:
    title: str
    paragraphs: tuple[str, ...]
    attachments: tuple[str, ...]
    template: dict[str, object]  # the exact text it was filled from, and which version of it
    facts: dict[str, object]  # the values the placeholders took

    def snapshot(self) -> dict[str, object]:
        return {"template": self.template, "facts": self.facts}


def current_template(kind: str) -> LetterTemplate:
    template = LetterTemplate.objects.filter(kind=kind).first()
    if template is None:
        raise LetterTemplateMissing(kind=LetterKind(kind).label)
    # The admin form refuses a bad template; one written past it (a shell, an import) is refused here, as a
    # clear 409 instead of a failure half-way through issuing.
    errors = template_errors(kind, title=template.title, body=template.body)
    if errors:
        problems = "；".join(message for messages in errors.values() for message in messages)
        raise LetterTemplateInvalid(kind=LetterKind(kind).label, problems=problems)
    return template


def _attachments(draft: LetterDraft, facts: dict[str, object]) -> tuple[str, ...]:
    if draft.kind == LetterKind.REFERRAL:
        return (f"{facts['dossier_title']}（共{facts['pages']}页）",)
    return ()


def letter_text(
    draft: LetterDraft,
    issue: Issue,
    *,
    calendar: WorkingCalendar,
    title: str = "",
    template: LetterTemplate | None = None,
) -> LetterText:
    """The letter as it reads when issued with `issue`; `title` overrides the template's title."""
    template = template or current_template(draft.kind)
    facts = letter_facts(draft, issue, calendar=calendar)
    filled_title, paragraphs = template_fill(draft.kind, title=template.title, body=template.body, values=facts)
    latest = template.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return LetterText(
        title=(title or draft.title).strip() or filled_title,
        paragraphs=paragraphs,
        attachments=_attachments(draft, facts),
        template={"title": template.title, "body": template.body, "version": latest},
        facts=facts,
    )
