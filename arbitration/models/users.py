"""People: the user model, their roles (groups) and the departments a liaison belongs to."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router
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
        self._standing_read()
        return self.__dict__["roles"]

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @cached_property
    def department_ids(self) -> frozenset[int]:
        self._standing_read()
        return self.__dict__["department_ids"]

    def has_perm(self, perm: str, obj=None) -> bool:
        if obj is None:
            self._model_permissions_read()
        return super().has_perm(perm, obj)

    def _standing_read(self) -> None:
        """The user's roles and departments in one query (every signed-in request needs the roles, a liaison's the
        departments), kept on this instance — this request's user — only: a change an administrator makes shows on
        the very next request."""
        rows = _user_rows(self, "standing")
        roles = {name for kind, name in rows if kind == "r" and name in Role.values}
        if self.is_superuser:
            roles.add(Role.ADMINISTRATOR)
        self.__dict__["roles"] = frozenset(roles)
        self.__dict__["department_ids"] = frozenset(int(value) for kind, value in rows if kind == "d")

    def _model_permissions_read(self) -> None:
        """ModelBackend's two permission queries (the user's own, their groups') in one, filling its own caches
        with the same "app_label.codename" sets, so `has_perm` asks no more. Per instance, like Django's caches.
        A superuser's are left to Django: `has_perm` never reads them."""
        if not self.is_active or self.is_superuser:
            return
        if hasattr(self, "_user_perm_cache") and hasattr(self, "_group_perm_cache"):
            return
        rows = _user_rows(self, "permissions")
        self._user_perm_cache = {name for kind, name in rows if kind == "u"}
        self._group_perm_cache = {name for kind, name in rows if kind == "g"}


def _user_rows(user: User, which: str) -> list[tuple[str, str]]:
    """(kind, value) rows of one of `_user_sql`'s statements, read where the router reads groups."""
    connection = connections[router.db_for_read(Group, instance=user)]
    key = (connection.vendor, which)
    sql = _USER_SQL.get(key)
    if sql is None:
        sql = _USER_SQL[key] = _user_sql(connection.ops.quote_name)[which]
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk] * sql.count("%s"))
        return cursor.fetchall()


_USER_SQL: dict[tuple[str, str], str] = {}  # per database vendor and statement, built once


def _user_sql(quote) -> dict[str, str]:
    """Raw SQL: these run on nearly every request, and the ORM's compiling of them cost more than running them.

    standing: group names ('r') and department ids ('d'). permissions: the user's own ('u') and their groups' ('g')
    permissions as "app_label.codename", ModelBackend's two queries."""
    user_groups = quote(User.groups.through._meta.db_table)
    group, membership = quote(Group._meta.db_table), quote(DepartmentMembership._meta.db_table)
    permission, content_type = quote(Permission._meta.db_table), quote(ContentType._meta.db_table)
    user_permissions = quote(User.user_permissions.through._meta.db_table)
    group_permissions = quote(Group.permissions.through._meta.db_table)
    perm = (
        f"ct.app_label || '.' || p.codename FROM {permission} p"
        f" INNER JOIN {content_type} ct ON ct.id = p.content_type_id"
    )
    return {
        "standing": (
            f"SELECT 'r', g.name FROM {group} g INNER JOIN {user_groups} ug ON ug.group_id = g.id"
            " WHERE ug.user_id = %s"
            f" UNION ALL SELECT 'd', CAST(m.department_id AS VARCHAR(20)) FROM {membership} m WHERE m.user_id = %s"
        ),
        "permissions": (
            f"SELECT 'u', {perm} INNER JOIN {user_permissions} up ON up.permission_id = p.id WHERE up.user_id = %s"
            f" UNION ALL SELECT 'g', {perm} INNER JOIN {group_permissions} gp ON gp.permission_id = p.id"
            f" INNER JOIN {user_groups} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s"
        ),
    }


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
