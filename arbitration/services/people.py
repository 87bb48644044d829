"""People from outside: the staff file (`manage.py import_users`) and the identity platform's claims (OIDC).

Both describe a person the same way (`PersonFacts`) and both go through `person_sync`, so a user looks the same
whichever way they arrived, and a second sync of the same facts writes nothing (docs/sign-in.md). Users are
deactivated, never deleted: their names stay on every record they touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from arbitration.choices import Role
from arbitration.errors import InvalidInput, UnknownCode
from arbitration.history import attribute, save_attributed
from arbitration.models import Department, DepartmentMembership, User
from arbitration.services.reference import HOTLINE_PLATFORM_GROUP

# Separators accepted between several roles or department codes in one cell or claim.
LIST_SEPARATORS = ("|", ";", "；", ",", "，")


@dataclass(frozen=True)
class PersonFacts:
    """What the staff file or the identity platform says about one person."""

    username: str
    full_name: str
    # None: the source says nothing about them (no such column, no such claim), so they are left as they are.
    department_codes: frozenset[str] | None
    roles: frozenset[str] | None
    phone: str = ""


def split_list(value: object) -> list[str]:
    """A cell or claim holding several values: a list as it is, or text split on | ; , (half or full width)."""
    if value is None:
        return []
    if isinstance(value, list | tuple | set | frozenset):
        return [str(item).strip() for item in value if str(item).strip()]
    text = str(value)
    for separator in LIST_SEPARATORS[1:]:
        text = text.replace(separator, LIST_SEPARATORS[0])
    return [part.strip() for part in text.split(LIST_SEPARATORS[0]) if part.strip()]


def _role_names() -> dict[str, str]:
    """Every accepted spelling of a role → its code: the code, its English label and its Chinese label."""
    names = {}
    for role in Role:
        names[role.value.lower()] = role.value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names[str(role.label).lower()] = role.value
    return names


def role_codes(values: Iterable[str]) -> frozenset[str]:
    """Role codes for role names as a file or a claim spells them; an unknown one is refused, naming it."""
    names = _role_names()
    codes = set()
    for value in values:
        code = names.get(value.strip().lower())
        if code is None:
            raise UnknownCode(field=_("role"), value=value)
        codes.add(code)
    return frozenset(codes)


def departments_by_code(codes: Iterable[str]) -> dict[str, Department]:
    """The departments named, every code checked: an unknown one is refused, naming it."""
    wanted = set(codes)
    found = {d.code: d for d in Department.objects.filter(code__in=wanted)}
    missing = sorted(wanted - found.keys())
    if missing:
        raise UnknownCode(field=_("department"), value=", ".join(missing))
    return found


def person_facts(*, username: str, full_name: str, departments: object, roles: object, phone: str = "") -> PersonFacts:
    """Checked facts from raw cells or claims: a username, known role names and known department codes."""
    username = (username or "").strip()
    if not username:
        raise InvalidInput(field=_("username"), reason=_("it is empty"))
    if len(username) > User._meta.get_field("username").max_length:
        raise InvalidInput(field=_("username"), reason=_("it is too long"))
    codes = None if departments is None else frozenset(split_list(departments))
    departments_by_code(codes or ())
    return PersonFacts(
        username=username,
        full_name=(full_name or "").strip()[: User._meta.get_field("full_name").max_length],
        department_codes=codes,
        roles=None if roles is None else role_codes(split_list(roles)),
        phone=(phone or "").strip()[: User._meta.get_field("phone").max_length],
    )


@transaction.atomic
def person_sync(facts: PersonFacts, *, actor, reason: str) -> str:
    """Make the user match `facts`; "created", "updated" or "unchanged". Roles outside `choices.Role` (the
    platform's system group) are left alone, and so are roles or departments the source says nothing about; the
    user is (re)activated because the source lists them."""
    user = User.objects.select_for_update().filter(username=facts.username).first()
    created = user is None
    if created:
        user = User(username=facts.username)
        user.set_unusable_password()  # signs in through the identity platform, or an administrator sets one
    changed = _fields_apply(user, facts)
    if created or changed:
        save_attributed(user, actor=actor, reason=reason)
    if facts.roles is not None:
        changed |= _roles_apply(user, facts.roles)
    if facts.department_codes is not None:
        changed |= _departments_apply(user, facts.department_codes, actor=actor, reason=reason)
    if changed and not created:
        # Roles and memberships live in other tables: one more history row on the user says that they moved.
        save_attributed(user, actor=actor, reason=reason)
    return "created" if created else "updated" if changed else "unchanged"


def _fields_apply(user: User, facts: PersonFacts) -> bool:
    wanted = {"full_name": facts.full_name, "phone": facts.phone, "is_active": True}
    changed = False
    for name, value in wanted.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed = True
    return changed


def _roles_apply(user: User, roles: frozenset[str]) -> bool:
    held = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    if held == roles:
        return False
    user.groups.remove(*Group.objects.filter(name__in=held - roles))
    user.groups.add(*(Group.objects.get_or_create(name=role)[0] for role in sorted(roles - held)))
    user.__dict__.pop("roles", None)  # the cached property
    return True


def _departments_apply(user: User, codes: frozenset[str], *, actor, reason: str) -> bool:
    memberships = {m.department.code: m for m in user.memberships.select_related("department")}
    if memberships.keys() == codes:
        return False
    for code, membership in memberships.items():
        if code not in codes:
            attribute(membership, actor=actor, reason=reason)
            membership.delete()
    for department in departments_by_code(codes - memberships.keys()).values():
        save_attributed(DepartmentMembership(user=user, department=department), actor=actor, reason=reason)
    user.__dict__.pop("department_ids", None)
    return True


def users_missing_from(usernames: Iterable[str]):
    """Active people not named: the candidates for deactivation. Superusers and system accounts (the hotline
    platform's) are never among them — a staff file does not list them."""
    return (
        User.objects.filter(is_active=True, is_superuser=False)
        .exclude(username__in=set(usernames))
        .exclude(groups__name=HOTLINE_PLATFORM_GROUP)
        .order_by("username")
    )


@transaction.atomic
def users_deactivate(users, *, actor, reason: str) -> int:
    """Deactivate (never delete) each user, one save each so that history records it."""
    count = 0
    for user in users.select_for_update():
        user.is_active = False
        save_attributed(user, actor=actor, reason=reason, update_fields=["is_active"])
        count += 1
    return count
