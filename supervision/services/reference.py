"""Reference data supervision needs: its permissions on the role groups, the ladder's default rules and the
default text of each kind of letter."""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_noop

from arbitration.choices import Role
from arbitration.history import save_attributed
from supervision.models import LadderRule, LetterTemplate
from supervision.selectors import DEFAULT_LADDER
from supervision.texts.defaults import DEFAULT_TEMPLATES

# Permissions hang on the role groups (arbitration.choices.Role); object grants come on top (referrals).
GROUP_PERMISSIONS = {
    Role.SUPERVISOR: (
        "supervise_case",
        "issue_letter",
        "refer_case",
        "view_supervisioncase",
        "view_supervisionletter",
        "view_scorecard",
        "view_disciplinereferral",
        "publish_scorecards",
        "view_scoreperiod",
        "view_scoreappeal",
        "view_scorebulletin",
    ),
    Role.ADMINISTRATOR: (
        "supervise_case",
        "issue_letter",
        "refer_case",
        "view_lettertemplate",
        "change_lettertemplate",
        "publish_scorecards",
    ),
    Role.LIAISON: ("answer_case",),
}


def reference_data_ensure() -> None:
    """Idempotent: adds what is missing, never overwrites an administrator's edits."""
    for role, codenames in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        permissions = Permission.objects.filter(content_type__app_label="supervision", codename__in=codenames)
        group.permissions.add(*permissions)
    present = set(LadderRule.objects.values_list("tier", flat=True))
    for tier, rung in DEFAULT_LADDER.items():
        if tier not in present:
            save_attributed(
                LadderRule(tier=tier, response_working_days=rung.response_working_days, letter_kind=rung.letter_kind),
                actor=None,
                reason=gettext_noop("default ladder (docs/supervision.md)"),
            )
    # The data migration seeds the texts; a flush (seed_demo, transactional tests) empties the table, and a kind
    # without a text could not be issued, so what is missing comes back here. Edited texts are left alone.
    present = set(LetterTemplate.objects.values_list("kind", flat=True))
    for kind, text in DEFAULT_TEMPLATES.items():
        if kind not in present:
            save_attributed(LetterTemplate(kind=kind, **text), actor=None, reason=gettext_noop("default text"))
