"""People: the user model, their roles (groups) and the departments a liaison belongs to."""

import json
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
        the very next request. A user signed in through `arbitration.auth_backend` has them already."""
        rows = _user_rows(self, "standing")
        self._standing_set(
            [name for kind, name in rows if kind == "r"], [int(value) for kind, value in rows if kind == "d"]
        )

    def _standing_set(self, group_names, department_ids) -> None:
        roles = {name for name in group_names if name in Role.values}
        if self.is_superuser:
            roles.add(Role.ADMINISTRATOR)
        self.__dict__["roles"] = frozenset(roles)
        self.__dict__["department_ids"] = frozenset(department_ids)

    def _model_permissions_read(self) -> None:
        """ModelBackend's two permission queries (the user's own, their groups') in one, filling its own caches
        with the same "app_label.codename" sets, so `has_perm` asks no more. Per instance, like Django's caches.
        A superuser's are left to Django: `has_perm` never reads them."""
        if not self.is_active or self.is_superuser:
            return
        if hasattr(self, "_user_perm_cache") and hasattr(self, "_group_perm_cache"):
            return
        rows = _user_rows(self, "permissions")
        self._permissions_set(
            [name for kind, name in rows if kind == "u"], [name for kind, name in rows if kind == "g"]
        )

    def _permissions_set(self, user_permissions, group_permissions) -> None:
        """ModelBackend's caches (`_get_permissions`, `get_all_permissions`), as it would fill them: only for an
        active user who is not a superuser (an inactive user holds none; a superuser's are every permission, which
        Django reads itself if ever asked)."""
        if not self.is_active or self.is_superuser:
            return
        self._user_perm_cache = set(user_permissions)
        self._group_perm_cache = set(group_permissions)
        self._perm_cache = self._user_perm_cache | self._group_perm_cache


def user_signed_in(user_id) -> User | None:
    """The user with this primary key, with their roles, departments and model permissions, from one statement
    (`arbitration.auth_backend.UserBackend.get_user`, every signed-in request); None if there is no such user.

    The same instance the ORM's `User.objects.get(pk=user_id)` builds (the same columns, converted the same way,
    through `User.from_db`), read where the ORM would read it, with what `roles`, `department_ids` and `has_perm`
    would otherwise each ask for already on it — on this instance only, so an administrator's change shows on the
    next request. On a database other than PostgreSQL or SQLite: the ORM's query, the rest read when first asked."""
    alias = router.db_for_read(User)
    connection = connections[alias]
    pk = User._meta.pk.get_prep_value(user_id)
    statement = _SIGNED_IN.get(connection.vendor)
    if statement is None:
        statement = _SIGNED_IN[connection.vendor] = _signed_in_statement(connection)
    if statement is False:
        try:
            return User._default_manager.get(pk=pk)
        except User.DoesNotExist:
            return None
    sql, converters, listed = statement
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row[:-3])
    for position, field_converters, column in converters:
        value = values[position]
        for convert in field_converters:
            value = convert(value, column, connection)
        values[position] = value
    user = User.from_db(alias, None, values)
    group_names, department_ids, permissions = (listed(value) for value in row[-3:])
    user._standing_set(group_names, department_ids)
    user._permissions_set(
        [name[1:] for name in permissions if name[0] == "u"], [name[1:] for name in permissions if name[0] == "g"]
    )
    return user


_SIGNED_IN: dict = {}  # per database vendor: (statement, column converters, list decoder), or False; built once


def _signed_in_statement(connection):
    """`user_signed_in`'s statement: the user's columns, then `_user_lists`'s three lists, each a scalar subquery
    aggregating rows into an array (PostgreSQL: array_agg, read as a Python list; SQLite: json_group_array, a JSON
    text). Plus the conversions the ORM would apply to each column (SQLite returns booleans as integers): a raw
    queryset would work these out again on every request. The one place that tells the two databases apart."""
    if connection.vendor == "postgresql":
        aggregate, listed = "array_agg", _pg_listed
    elif connection.vendor == "sqlite":
        aggregate, listed = "json_group_array", _json_listed
    else:
        return False
    quote = connection.ops.quote_name
    table = User._meta.db_table
    fields = User._meta.concrete_fields
    columns = ", ".join(f"u.{quote(field.column)}" for field in fields)
    lists = ", ".join(f"(SELECT {aggregate}({expression}) FROM {source})" for expression, source in _user_lists(quote))
    sql = f"SELECT {columns}, {lists} FROM {quote(table)} u WHERE u.{quote(User._meta.pk.column)} = %s"
    converters = []
    for position, field in enumerate(fields):
        column = field.get_col(table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((position, found, column))
    return sql, converters, listed


def _pg_listed(value) -> list:
    return value or []  # array_agg over no rows is NULL


def _json_listed(value) -> list:
    return json.loads(value) if value else []


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


def _user_tables(quote) -> dict[str, str]:
    return {
        "user_groups": quote(User.groups.through._meta.db_table),
        "group": quote(Group._meta.db_table),
        "membership": quote(DepartmentMembership._meta.db_table),
        "permission": quote(Permission._meta.db_table),
        "content_type": quote(ContentType._meta.db_table),
        "user_permissions": quote(User.user_permissions.through._meta.db_table),
        "group_permissions": quote(Group.permissions.through._meta.db_table),
    }


def _user_sql(quote) -> dict[str, str]:
    """Raw SQL: these run on nearly every request, and the ORM's compiling of them cost more than running them.

    standing: group names ('r') and department ids ('d'). permissions: the user's own ('u') and their groups' ('g')
    permissions as "app_label.codename", ModelBackend's two queries."""
    t = _user_tables(quote)
    perm = (
        f"ct.app_label || '.' || p.codename FROM {t['permission']} p"
        f" INNER JOIN {t['content_type']} ct ON ct.id = p.content_type_id"
    )
    return {
        "standing": (
            f"SELECT 'r', g.name FROM {t['group']} g INNER JOIN {t['user_groups']} ug ON ug.group_id = g.id"
            " WHERE ug.user_id = %s"
            f" UNION ALL SELECT 'd', CAST(m.department_id AS VARCHAR(20)) FROM {t['membership']} m"
            " WHERE m.user_id = %s"
        ),
        "permissions": (
            f"SELECT 'u', {perm} INNER JOIN {t['user_permissions']} up ON up.permission_id = p.id"
            " WHERE up.user_id = %s"
            f" UNION ALL SELECT 'g', {perm} INNER JOIN {t['group_permissions']} gp ON gp.permission_id = p.id"
            f" INNER JOIN {t['user_groups']} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s"
        ),
    }


def _user_lists(quote) -> list[tuple[str, str]]:
    """`_user_sql`'s rows as three lists, (expression, FROM … WHERE …) pairs correlated with the user row `u` of
    `user_signed_in`'s statement: group names, department ids, and the permissions, the user's own and their
    groups' in one list, each "app_label.codename" behind its kind ('u' or 'g'). One list of both kinds joins the
    permission and content type tables once: PostgreSQL plans the statement on every run (force_custom_plan), and
    two lists took it 0.1 ms longer to plan."""
    t = _user_tables(quote)
    granted = (
        f"SELECT 'u' AS kind, up.permission_id FROM {t['user_permissions']} up WHERE up.user_id = u.id"
        f" UNION ALL SELECT 'g', gp.permission_id FROM {t['group_permissions']} gp"
        f" INNER JOIN {t['user_groups']} ug ON ug.group_id = gp.group_id WHERE ug.user_id = u.id"
    )
    return [
        ("g.name", f"{t['group']} g INNER JOIN {t['user_groups']} ug ON ug.group_id = g.id WHERE ug.user_id = u.id"),
        ("m.department_id", f"{t['membership']} m WHERE m.user_id = u.id"),
        (
            "x.kind || ct.app_label || '.' || p.codename",
            f"({granted}) x INNER JOIN {t['permission']} p ON p.id = x.permission_id"
            f" INNER JOIN {t['content_type']} ct ON ct.id = p.content_type_id",
        ),
    ]


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
