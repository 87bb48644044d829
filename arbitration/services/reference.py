"""Reference data every installation needs: role groups, default time-limit tiers, the calendar."""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_noop

from arbitration.choices import Role, TimeUnit
from arbitration.history import save_attributed
from arbitration.models import TimeLimitTier
from arbitration.services.bounces import bounce_reasons_ensure
from arbitration.services.calendar import calendar_seed_packaged

# One city's five-level standard (docs/platform-events.md). 即办 is given an hour so that it is not overdue at birth.
# The first response (contact with the citizen) is due within 3 hours, never later than the handling limit; urgent
# tiers count natural hours, ordinary ones office hours. The urgent tier (danger to life or property, docs/domain.md §3)
# asks for contact with the citizen within 2 hours and handling within 24 (docs/dispatch.md).
# (code, name, amount, unit, response amount, response unit, is default)
URGENT_TIER = ("urgent", "紧急（2小时响应）", 24, TimeUnit.NATURAL_HOURS, 2, TimeUnit.NATURAL_HOURS, False)
DEFAULT_TIERS = [
    ("immediate", "即办", 1, TimeUnit.NATURAL_HOURS, 1, TimeUnit.NATURAL_HOURS, False),
    URGENT_TIER,
    ("3h", "3小时", 3, TimeUnit.NATURAL_HOURS, 3, TimeUnit.NATURAL_HOURS, False),
    ("24h", "24小时", 24, TimeUnit.NATURAL_HOURS, 3, TimeUnit.NATURAL_HOURS, False),
    ("3wd", "3个工作日", 3, TimeUnit.WORKING_DAYS, 3, TimeUnit.WORKING_HOURS, False),
    ("5wd", "5个工作日", 5, TimeUnit.WORKING_DAYS, 3, TimeUnit.WORKING_HOURS, True),
]

# Model permissions each role's group holds (the admin reads them). Administrators are superusers.
# Visibility is narrowed per user by arbitration.access, so "view ticket" never means "every ticket".
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.LIAISON: ("view_ticket", "view_assignment"),
    Role.DISPATCHER: (
        "view_ticket",
        "change_ticket",
        "view_assignment",
        "change_assignment",
        "view_ticketevent",
        "view_territory",
        "view_department",
        "view_matter",
        "view_duty",
    ),
    # The catalogue administrator (docs/catalogue-reform.md).
    Role.ADMINISTRATOR: ("decide_catalogueproposal",),
}


def role_permissions_ensure() -> None:
    """Add (never remove) the permissions in ROLE_PERMISSIONS to the role groups."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        permissions = Permission.objects.filter(content_type__app_label="arbitration", codename__in=codenames)
        group.permissions.add(*permissions)


# The hotline platform posts tickets with a token of this system account; the permission may also be given
# to other groups. It is created here (not in a model's Meta) because it belongs to no single model's admin.
HOTLINE_PLATFORM_GROUP = "hotline_platform"
HOTLINE_PLATFORM_USER = "hotline-platform"
RECEIVE_TICKET = "receive_ticket"


def hotline_platform_ensure() -> None:
    """The `arbitration.receive_ticket` permission, a group holding it and the platform's system account."""
    from django.contrib.contenttypes.models import ContentType

    from arbitration.models import Ticket, User

    permission, _created = Permission.objects.get_or_create(
        codename=RECEIVE_TICKET,
        content_type=ContentType.objects.get_for_model(Ticket),
        defaults={"name": gettext_noop("Can receive tickets from the hotline platform")},
    )
    group, _created = Group.objects.get_or_create(name=HOTLINE_PLATFORM_GROUP)
    group.permissions.add(permission)
    if not User.objects.filter(username=HOTLINE_PLATFORM_USER).exists():
        account = User(username=HOTLINE_PLATFORM_USER, full_name="12345热线平台")
        account.set_unusable_password()  # a system: it signs in with an API token only
        save_attributed(account, actor=None, reason=gettext_noop("hotline platform system account"))
        account.groups.add(group)


def reference_data_ensure() -> None:
    """Idempotent: creates what is missing and never overwrites an administrator's edits."""
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    role_permissions_ensure()
    hotline_platform_ensure()
    if not TimeLimitTier.objects.exists():
        for ordering, (code, name, amount, unit, response_amount, response_unit, is_default) in enumerate(
            DEFAULT_TIERS
        ):
            save_attributed(
                TimeLimitTier(
                    code=code,
                    name=name,
                    amount=amount,
                    unit=unit,
                    response_amount=response_amount,
                    response_unit=response_unit,
                    is_default=is_default,
                    ordering=ordering,
                ),
                actor=None,
                reason=gettext_noop("default time-limit tiers (docs/domain.md §3)"),
            )
    calendar_seed_packaged()
    bounce_reasons_ensure()
