"""People: the user model, their roles (groups) and the departments a liaison belongs to."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from arbitration.choices import Role
from arbitration.history import HistoricalRecords


class User(AbstractUser):
    """用户: anyone who signs in — dispatcher, liaison, member, supervisor, lawyer, leader, liaison of a body."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    # Office phone, from `import_users` or the identity platform's claim (docs/sign-in.md).
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    departments = models.ManyToManyField(
        "arbitration.Department",
        verbose_name=_("departments"),
        through="arbitration.DepartmentMembership",
        blank=True,
        related_name="members",
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """Role codes (see choices.Role) this user holds; superusers count as administrators."""
        names = set(self.groups.filter(name__in=Role.values).values_list("name", flat=True))
        if self.is_superuser:
            names.add(Role.ADMINISTRATOR)
        return frozenset(names)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @cached_property
    def department_ids(self) -> frozenset[int]:
        return frozenset(self.memberships.values_list("department_id", flat=True))


class DepartmentMembership(models.Model):
    """联络员所属单位: a user acts for a department (a liaison may belong to several)."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(
        "arbitration.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="memberships"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department membership")
        verbose_name_plural = _("department memberships")
        constraints = [models.UniqueConstraint(fields=["user", "department"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.department}"
