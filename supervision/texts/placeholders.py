"""Which placeholders each kind of letter offers and requires, how a template is checked, and how it is filled.

Templates use `string.Template` syntax: `${name}` (or `$name`) and `$$` for a dollar sign. It can only put
values in, never reach into objects or run anything, so an administrator's text cannot break the issuing
service. The filled text is plain text: the PDF layout escapes it once, as it escapes every paragraph, so a
value such as "A&B<1>" prints as written. Every line of the filled body is one paragraph; empty lines drop.

A template is accepted (docs/letters.md, "Checks") only when:
1. every `$` starts a placeholder name or is doubled;
2. every placeholder is one its kind offers;
3. the body uses every placeholder its kind requires, so each letter says what its kind must say;
4. a list placeholder (several paragraphs) stands on a line of its own, and the title uses none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from string import Template

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supervision.choices import LetterKind


@dataclass(frozen=True)
class Placeholder:
    name: str
    label: str | Promise  # shown to the administrator beside the template
    multiline: bool = False  # a list: one paragraph per item

    @property
    def token(self) -> str:
        return "${" + self.name + "}"


def _p(name: str, label: str | Promise, *, multiline: bool = False) -> Placeholder:
    return Placeholder(name, label, multiline)


COMMON = (
    _p("issuer", gettext_lazy("Issuing office")),
    _p("addressee", gettext_lazy("Addressee")),
    _p("document_number", gettext_lazy("Document number")),
    _p("issue_date", gettext_lazy("Date of issue")),
    _p("response_due", gettext_lazy("Date by which the addressee must answer")),
    _p("remarks", gettext_lazy("The supervisor's additional paragraphs (may be empty)"), multiline=True),
)
TICKETS = (
    _p("tickets", gettext_lazy("The tickets: numbers and titles")),
    _p("ticket_count", gettext_lazy("Number of tickets")),
)

OFFERED: dict[str, tuple[Placeholder, ...]] = {
    LetterKind.REMINDER: (
        *TICKETS,
        _p(
            "ticket_list",
            gettext_lazy("One paragraph per ticket: its time limit, when the limit ran out and how far past it is"),
            multiline=True,
        ),
    ),
    LetterKind.ESCALATION: (
        *TICKETS,
        _p("case_summary", gettext_lazy("The case: what the department holds and why it is supervised")),
        _p("tier", gettext_lazy("The supervision tier (rung) the case stands on")),
        _p("case_opened", gettext_lazy("Date the supervision case was opened")),
        _p("requirement", gettext_lazy("What the department must do")),
    ),
    LetterKind.WARNING: (
        _p("period", gettext_lazy("The period scored")),
        _p("group", gettext_lazy("The comparable group")),
        _p("group_size", gettext_lazy("Number of departments in the group")),
        _p("rank", gettext_lazy("Rank in the group")),
        _p("service_index", gettext_lazy("Service index")),
        _p("response_rate", gettext_lazy("Response rate")),
        _p("on_time_rate", gettext_lazy("On-time completion rate")),
        _p("feedback_rate", gettext_lazy("Timely feedback rate")),
        _p("satisfaction_rate", gettext_lazy("Satisfaction rate")),
    ),
    LetterKind.INTERVIEW: (
        _p("reason", gettext_lazy("Why the head is summoned")),
        _p("interview_time", gettext_lazy("Interview time (filled when issuing)")),
        _p("interview_place", gettext_lazy("Interview place (filled when issuing)")),
        _p("attendees", gettext_lazy("Who must attend (filled when issuing)")),
        _p("materials", gettext_lazy("What to bring (filled when issuing)")),
    ),
    LetterKind.REFERRAL: (
        *TICKETS,
        _p("referral_reason", gettext_lazy("Why the matter is referred: the rule that fired and the reason")),
        _p("dossier_title", gettext_lazy("Title of the dossier")),
        _p("dossier_contents", gettext_lazy("The dossier's contents, one paragraph per part"), multiline=True),
        _p("pages", gettext_lazy("Number of pages of the dossier")),
    ),
}

# What each kind must say (issue 12 §4): a template without these is refused.
REQUIRED: dict[str, tuple[str, ...]] = {
    LetterKind.REMINDER: ("ticket_list",),
    LetterKind.ESCALATION: ("case_summary", "tier", "requirement", "response_due"),
    LetterKind.WARNING: (
        "period",
        "service_index",
        "rank",
        "group_size",
        "response_rate",
        "on_time_rate",
        "feedback_rate",
        "satisfaction_rate",
    ),
    LetterKind.INTERVIEW: ("reason", "interview_time", "interview_place", "attendees", "materials"),
    LetterKind.REFERRAL: ("referral_reason", "ticket_count", "pages", "dossier_contents"),
}


def placeholders_for(kind: str) -> tuple[Placeholder, ...]:
    return (*OFFERED[kind], *COMMON)


@dataclass(frozen=True)
class _Use:
    name: str  # "" for a `$` that starts no name
    line: int  # 1-based
    alone: bool  # the placeholder is all there is on its line


def _uses(text: str) -> list[_Use]:
    uses = []
    for number, line in enumerate(text.splitlines() or [""], start=1):
        for match in Template.pattern.finditer(line):
            if match.group("escaped") is not None:
                continue
            name = match.group("named") or match.group("braced") or ""
            uses.append(_Use(name, number, line.strip() == match.group(0)))
    return uses


def template_errors(kind: str, *, title: str, body: str) -> dict[str, list[str]]:
    """Everything wrong with a template, by field ("title", "body"); empty when it may be saved."""
    offered = {p.name: p for p in placeholders_for(kind)}
    errors: dict[str, list[str]] = {"title": [], "body": []}
    for field, text in (("title", title), ("body", body)):
        for use in _uses(text):
            if not use.name:
                errors[field].append(
                    _("Line {line}: a $ sign must start a placeholder name; write $$ for a dollar sign.").format(
                        line=use.line
                    )
                )
            elif use.name not in offered:
                errors[field].append(
                    _("Unknown placeholder {name}. This kind of letter offers: {offered}.").format(
                        name="${" + use.name + "}", offered=" ".join(p.token for p in offered.values())
                    )
                )
            elif offered[use.name].multiline and field == "title":
                errors[field].append(
                    _("The title is one line: {name} cannot be used in it.").format(name="${" + use.name + "}")
                )
            elif offered[use.name].multiline and not use.alone:
                errors[field].append(
                    _("Line {line}: {name} lists several paragraphs, so it must stand on a line of its own.").format(
                        line=use.line, name="${" + use.name + "}"
                    )
                )
    used = {use.name for use in _uses(body)}
    missing = [name for name in REQUIRED[kind] if name not in used]
    if missing:
        errors["body"].append(
            _("A {kind} must say this; add the placeholders: {names}.").format(
                kind=LetterKind(kind).label, names=" ".join("${" + name + "}" for name in missing)
            )
        )
    return {field: messages for field, messages in errors.items() if messages}


def _one_line(value: object) -> str:
    return " ".join(str(value).splitlines()).strip()


def _lines(value: object) -> str:
    items = value.splitlines() if isinstance(value, str) else [str(item) for item in value]  # type: ignore[union-attr]
    return "\n".join(_one_line(item) for item in items if _one_line(item))


def template_fill(kind: str, *, title: str, body: str, values: Mapping[str, object]) -> tuple[str, tuple[str, ...]]:
    """The title and the paragraphs of a letter. The template must be valid and `values` hold every offered name."""
    prepared = {
        p.name: _lines(values[p.name]) if p.multiline else _one_line(values[p.name]) for p in placeholders_for(kind)
    }
    filled_title = _one_line(Template(title).substitute(prepared))
    paragraphs = tuple(line.strip() for line in Template(body).substitute(prepared).splitlines() if line.strip())
    return filled_title, paragraphs
