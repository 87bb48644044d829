"""Reference data supervision needs: its permissions on the role groups, and the ladder's default rules."""

from django.contrib.auth.models import Group, Permission

from arbitration.choices import Role
from arbitration.history import save_attributed
from supervision.models import LadderRule
from supervision.selectors import DEFAULT_LADDER

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
    ),
    Role.ADMINISTRATOR: ("supervise_case", "issue_letter", "refer_case"),
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
                reason="default ladder (docs/supervision.md)",
            )
