"""App configurations of libraries whose admin shows English of its own: a section name (axes has none in Chinese),
records named in fixed English, field names without a message id."""

from axes.apps import AppConfig as AxesAppConfig
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_celery_beat.apps import BeatConfig
from guardian.apps import GuardianConfig as GuardianAppConfig

AXES_UNKNOWN = "<unknown>"  # what axes stores for a request it did not see (a sign-in made without one)


def _sign_in_record(self) -> str:
    # axes names its records in fixed English ("Access Log for …"), shown as each row's label in the admin.
    return gettext("Sign-in record of {username} at {time}").format(
        username=self.username or gettext("unknown user"),
        time=f"{timezone.localtime(self.attempt_time):%Y-%m-%d %H:%M}" if self.attempt_time else "—",
    )


@admin.display(description=_("path"), ordering="path_info")
def _path_shown(record) -> str:
    return "—" if record.path_info == AXES_UNKNOWN else record.path_info


class AxesConfig(AxesAppConfig):
    """django-axes under its purpose's name in the admin ("Axes" means nothing to an administrator)."""

    verbose_name = _("Login lockout")

    def ready(self) -> None:
        super().ready()
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.__str__ = _sign_in_record
            model_admin = admin.site._registry.get(model)  # the admin autodiscovered axes's admin before this
            if model_admin is None:
                continue
            # The lists: the browser's own description (user agent) is English by nature and stays in the form;
            # the path reads "—" where axes saw no request.
            shown = [name for name in model_admin.list_display if name != "user_agent"]
            model_admin.list_display = [_path_shown if name == "path_info" else name for name in shown]
            model_admin.list_filter = [name for name in model_admin.list_filter if name != "path_info"]


class CeleryBeatConfig(BeatConfig):
    """django-celery-beat names the task field in fixed English ("Task Name", the title of its list's filter); its
    admin offers every IANA time zone, describes cron schedules in English and lists tasks by code path
    (config/celery_beat.py)."""

    def ready(self) -> None:
        super().ready()
        from django_celery_beat.models import PeriodicTask

        from config.celery_beat import celery_beat_admin_adapt

        PeriodicTask._meta.get_field("task").verbose_name = _("Task Name")
        celery_beat_admin_adapt()


class GuardianConfig(GuardianAppConfig):
    """django-guardian names itself and its two models in fixed English, shown in every permission widget."""

    verbose_name = _("Object permissions")

    def ready(self) -> None:
        super().ready()
        from django.apps import apps
        from guardian.models import GroupObjectPermission, UserObjectPermission
        from guardian.models.models import BaseObjectPermission

        # Message ids equal to guardian's own names: makemigrations (run untranslated) sees no change.
        for model, name, plural in (
            (UserObjectPermission, _("user object permission"), _("user object permissions")),
            (GroupObjectPermission, _("group object permission"), _("group object permissions")),
        ):
            model._meta.verbose_name, model._meta.verbose_name_plural = name, plural
        # Guardian's fields (and a direct-foreign-key grant's `content_object`) are named from their attribute, in
        # fixed English: named again lazily, by the same words as message ids (migrations read the declared name).
        words = {"permission": _("permission"), "user": _("user"), "group": _("group")}
        words["content_object"] = _("content object")
        for model in apps.get_models():
            if issubclass(model, BaseObjectPermission):
                for field in model._meta.concrete_fields:
                    if field.name in words and isinstance(field.verbose_name, str):
                        field.verbose_name = words[field.name]
