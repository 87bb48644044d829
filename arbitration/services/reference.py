"""Reference data every installation needs: role groups, default time-limit tiers, the calendar."""

from django.contrib.auth.models import Group

from arbitration.choices import Role, TimeUnit
from arbitration.history import save_attributed
from arbitration.models import TimeLimitTier
from arbitration.services.calendar import calendar_seed_packaged

# DOMAIN.md §3: one city's five-level standard. 即办 is given an hour so that it is not overdue at birth.
DEFAULT_TIERS = [
    ("immediate", "即办", 1, TimeUnit.NATURAL_HOURS, False),
    ("3h", "3小时", 3, TimeUnit.NATURAL_HOURS, False),
    ("24h", "24小时", 24, TimeUnit.NATURAL_HOURS, False),
    ("3wd", "3个工作日", 3, TimeUnit.WORKING_DAYS, False),
    ("5wd", "5个工作日", 5, TimeUnit.WORKING_DAYS, True),
]


def reference_data_ensure() -> None:
    """Idempotent: creates what is missing and never overwrites an administrator's edits."""
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    if not TimeLimitTier.objects.exists():
        for ordering, (code, name, amount, unit, is_default) in enumerate(DEFAULT_TIERS):
            save_attributed(
                TimeLimitTier(code=code, name=name, amount=amount, unit=unit, is_default=is_default,
                              ordering=ordering),
                actor=None, reason="default time-limit tiers (DOMAIN.md §3)",
            )
    calendar_seed_packaged()
