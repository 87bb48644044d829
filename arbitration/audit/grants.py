"""Grants of per-object permissions keep their own history: a `GrantEvent` per permission row saved or deleted.

Every guardian object-permission model (the generic ones and the project's direct foreign-key ones) is watched
through its own post_save / post_delete, so a grant made by a service, the admin or a shell is recorded alike.
`grant_context(actor=..., reason=...)` around `assign_perm` / `remove_perm` names who did it and why.
"""

import contextlib
import contextvars

from django.apps import apps
from django.utils.translation import gettext_lazy as _

# Django names its default permissions in fixed English ("Can view …"): these name them in the reader's language.
DEFAULT_PERMISSION_NAMES = {
    "add": _("Can add {model}"),
    "change": _("Can change {model}"),
    "delete": _("Can delete {model}"),
    "view": _("Can view {model}"),
}

_context: contextvars.ContextVar[tuple] = contextvars.ContextVar("audit_grant_context", default=(None, ""))


@contextlib.contextmanager
def grant_context(*, actor, reason: str):
    from arbitration.history import real_user

    token = _context.set((real_user(actor), reason))
    try:
        yield
    finally:
        _context.reset(token)


def _record(instance, action: str) -> None:
    from arbitration.models import GrantEvent

    actor, reason = _context.get()
    target = instance.content_object if hasattr(instance, "content_object_id") else None
    if target is not None:
        object_key = f"{target._meta.label_lower}:{target.pk}"
    else:
        object_key = f"{instance.content_type.app_label}.{instance.content_type.model}:{instance.object_pk}"
    permission = instance.permission
    GrantEvent.objects.create(
        action=action,
        permission=f"{permission.content_type.app_label}.{permission.codename}",
        object_key=object_key[:128],
        user_id=getattr(instance, "user_id", None),
        group=instance.group.name if getattr(instance, "group_id", None) else "",  # the role's code, as stored
        actor=actor,
        reason=reason,
    )


def _saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    if created and not raw:
        _record(instance, "grant")


def _deleted(sender, instance, **kwargs) -> None:
    _record(instance, "revoke")


def permission_models() -> list:
    from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

    return [
        m
        for m in apps.get_models()
        if issubclass(m, UserObjectPermissionBase | GroupObjectPermissionBase) and not m._meta.abstract
    ]


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    for model in permission_models():
        post_save.connect(_saved, sender=model, dispatch_uid=f"audit-grant-save-{model._meta.label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"audit-grant-delete-{model._meta.label}")


def permission_label(permission: str) -> str:
    """A recorded permission ("app_label.codename") in words: its model's own name for it, translated."""
    app_label, _dot, codename = permission.partition(".")
    models = apps.get_app_config(app_label).get_models() if app_label in apps.app_configs else ()
    for model in models:
        for custom, name in model._meta.permissions:
            if custom == codename:
                return str(_(name))  # declared with gettext_lazy; a plain string is looked up as a message id
        for action in model._meta.default_permissions:
            if codename == f"{action}_{model._meta.model_name}" and action in DEFAULT_PERMISSION_NAMES:
                return str(DEFAULT_PERMISSION_NAMES[action]).format(model=model._meta.verbose_name)
    return permission


def object_label(object_key: str) -> str:
    """A recorded object ("app_label.model:pk") as its model's name and number."""
    label, _colon, pk = object_key.rpartition(":")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return object_key
    return f"{model._meta.verbose_name} #{pk}"
