from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def _ensure_reference_data(sender, **kwargs) -> None:
    from arbitration.services.reference import reference_data_ensure

    reference_data_ensure()


def _city_model_changed(sender, **kwargs) -> None:
    """Territories, departments and matters are nodes of the jurisdiction graph: any change to them, from a
    service, an import or the admin, moves the graph version in the same transaction (duties do it in
    services.catalogue)."""
    from arbitration.graph.cache import graph_version_bump

    if kwargs.get("raw"):  # loading fixtures
        return
    if sender is not None and kwargs.get("action", "post_").startswith("post_"):
        graph_version_bump()


def _role_group_str(group) -> str:
    """A role's group is named by the role's code (choices.Role): wherever the group is shown (the admin's lists,
    filters and forms), it reads as the role's name."""
    from arbitration.choices import Role

    return str(Role(group.name).label) if group.name in Role.values else group.name


def _permission_str(permission) -> str:
    """Django names its default permissions in fixed English in the database ("Can add …"): wherever a permission
    is shown (the permission widgets of users and groups), it reads in the reader's language, by its model's name."""
    from arbitration.audit.grants import permission_label

    content_type = permission.content_type
    key = f"{content_type.app_label}.{permission.codename}"
    label = permission_label(key)
    # A permission no model declares (arbitration.receive_ticket) stores its name as a message id.
    return f"{content_type} | {gettext(permission.name) if label == key else label}"


class ArbitrationConfig(AppConfig):
    """明责·仲裁: the city model, calendar, tickets, graph, bounces, disputes, conference and documents."""

    name = "arbitration"
    verbose_name = _("Arbitration")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from arbitration import (
            checks,  # noqa: F401  (registers the system checks)
            list_exports,
            pg_timestamps,
        )
        from arbitration.api.hardening import serializer_fields_harden
        from arbitration.audit import chain as audit_chain
        from arbitration.audit import grants as audit_grants
        from arbitration.audit import triggers as audit_triggers
        from arbitration.form_rules import form_fields_harden
        from arbitration.graph import cache as graph_cache
        from arbitration.models import Department, Matter, Territory

        list_exports.register()  # the list pages' CSV exports (docs/homes.md)
        from django.contrib.auth.models import Group, Permission

        Group.__str__ = _role_group_str
        Permission.__str__ = _permission_str
        serializer_fields_harden()  # every serializer's text and date inputs follow docs/hardening.md
        form_fields_harden()  # and every page form's
        post_migrate.connect(_ensure_reference_data, sender=self)
        # docs/audit.md: SQL functions of the SQLite triggers, the guard re-installed after every migrate, the
        # chainer asked for after each commit that wrote audit rows, grants recorded whoever makes them.
        connection_created.connect(audit_triggers.sqlite_functions, dispatch_uid="audit-sqlite-functions")
        # PostgreSQL's timestamps read by datetime.fromisoformat, not parsed in Python (arbitration/pg_timestamps.py).
        connection_created.connect(pg_timestamps.register, dispatch_uid="pg-timestamps")
        post_migrate.connect(audit_triggers._post_migrate, sender=self, dispatch_uid="audit-triggers")
        audit_chain.connect_signals()
        audit_grants.connect_signals()
        # The admin (listed before this app) has autodiscovered every app's admin by now: log models read-only.
        from django.apps import apps

        if apps.is_installed("django.contrib.admin"):
            from arbitration.admin_audit import enforce_read_only_logs

            enforce_read_only_logs()
        request_started.connect(graph_cache.request_started, dispatch_uid="graph-request-started")
        request_finished.connect(graph_cache.request_finished, dispatch_uid="graph-request-finished")
        for model in (Territory, Department, Matter):
            post_save.connect(_city_model_changed, sender=model, dispatch_uid=f"graph-{model.__name__}-save")
            post_delete.connect(_city_model_changed, sender=model, dispatch_uid=f"graph-{model.__name__}-delete")
        m2m_changed.connect(
            _city_model_changed, sender=Department.regulated_sectors.through, dispatch_uid="graph-regulated-sectors"
        )
