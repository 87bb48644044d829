"""django-celery-beat's admin in the centre's words: its schedules' time zones limited to the few a Chinese centre
uses and named in Chinese (the stored value stays the IANA name), a cron schedule described in the reader's language
(cron-descriptor writes English unless told, and names weekdays and months by the process's locale), and the
registered tasks offered by what they do rather than by their code path. Wired in `CeleryBeatConfig.ready`."""

from __future__ import annotations

import calendar

from cron_descriptor import FormatException, MissingFieldException, Options, WrongArgumentException, get_description
from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin, PeriodicTaskForm, TaskChoiceField, TaskSelectWidget
from django_celery_beat.models import CrontabSchedule, PeriodicTask, cronexp

# The zones a schedule of the centre is read in: the city's (Beijing time), Xinjiang's local time, and UTC. The
# setting's TIME_ZONE (and CELERY_TIMEZONE, the new schedule's default) are offered as well, whatever they are.
ZONES = {
    "Asia/Shanghai": _("Beijing time"),
    "Asia/Urumqi": _("Urumqi time"),
    "UTC": _("Coordinated Universal Time"),
}

# Every task the project registers, by what it does (the periodic task form lists the registered tasks). A task
# missing here is offered by its code path, which the admin language test flags.
TASK_LABELS = {
    "arbitration.audit.tasks.audit_chain_task": _("Chain the audit trail"),
    "arbitration.audit.tasks.audit_seal_task": _("Seal yesterday's audit trail"),
    "arbitration.audit.tasks.audit_verify_task": _("Verify the audit trail"),
    "arbitration.documents.tasks.document_render": _("Render one document's PDF"),
    "arbitration.documents.tasks.documents_render_pending_task": _("Render the pending documents"),
    "arbitration.spread.spread_finish_task": _("Finish a spread run"),
    "arbitration.spread.spread_partition_task": _("Run one part of a spread run"),
    "arbitration.spread.spread_runs_resume_task": _("Resume stalled spread runs"),
    "arbitration.tasks.decision_backlog_apply_task": _("Re-dispatch the open tickets a decision covers"),
    "arbitration.tasks.decision_backlogs_apply_pending_task": _("Re-dispatch the tickets of pending decisions"),
    "arbitration.tasks.disputes_put_overdue_on_agenda_task": _("Put overdue disputes on the conference agenda"),
    "arbitration.tasks.reorganisations_carry_out_due_task": _("Carry out the reorganisations now due"),
    "legal.tasks.screen_leads_last_month_task": _("Screen last month's tickets for public-interest leads"),
    "supervision.tasks.catalogue_health_record_task": _("Record the duty catalogue's health"),
    "supervision.tasks.daily_report_issue_task": _("Issue yesterday's daily report"),
    "supervision.tasks.monthly_report_issue_task": _("Issue last month's monthly report"),
    "supervision.tasks.referral_dossier_render_task": _("Render a referral's dossier"),
    "supervision.tasks.rollups_rebuild_recent_task": _("Recount the recent daily figures"),
    "supervision.tasks.scorecards_compute_last_month_task": _("Compute last month's scorecards"),
    "supervision.tasks.supervision_sweep_task": _("Supervision sweep of the open tickets"),
    "supervision.tasks.surges_detect_task": _("Detect yesterday's surges"),
}


def zone_label(name: str) -> str:
    return str(ZONES.get(name, name))


def zone_choices(*current: object) -> list[tuple[str, str]]:
    """The centre's zones, then the settings' and the record's own (a schedule made elsewhere keeps its zone)."""
    names = list(ZONES)
    for name in (settings.TIME_ZONE, getattr(settings, "CELERY_TIMEZONE", None), *current):
        if name and str(name) not in names:
            names.append(str(name))
    return [(name, zone_label(name)) for name in names]


class CrontabScheduleForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("Cron Timezone"), help_text=_("The time zone the schedule's hours and days are read in.")
    )

    class Meta:
        model = CrontabSchedule
        fields = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week", "timezone")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = zone_choices(self.initial.get("timezone"))


@admin.display(description=_("Schedule in words"))
def crontab_in_words(crontab: CrontabSchedule) -> str:
    """`CrontabSchedule.human_readable`, in the active language: the schedule in words, then its zone's name."""
    expression = " ".join(
        cronexp(value)
        for value in (crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year, crontab.day_of_week)
    )
    options = Options()
    options.use_24hour_time_format = True
    options.locale_code = "zh_CN" if (get_language() or "").lower().startswith("zh") else "en_US"
    try:
        words = get_description(expression, options)
    except (MissingFieldException, FormatException, WrongArgumentException):
        words = expression
    # cron-descriptor names weekdays and months by the process's locale (English): Django's own names instead.
    for number, name in enumerate(calendar.day_name):
        words = words.replace(name, str(WEEKDAYS[number]))
    for number in range(1, 13):
        words = words.replace(calendar.month_name[number], str(MONTHS[number]))
    return f"{words} {zone_label(str(crontab.timezone))}"


class TaskLabelSelect(TaskSelectWidget):
    """celery-beat's list of registered tasks, each shown by what it does; the value stays the task's name."""

    def tasks_as_choices(self):
        return tuple((name, TASK_LABELS.get(name, name) if name else "") for name, _label in super().tasks_as_choices())


class LabelledPeriodicTaskForm(PeriodicTaskForm):
    regtask = TaskChoiceField(label=_("Task (registered)"), required=False, widget=TaskLabelSelect)


def celery_beat_admin_adapt() -> None:
    """Called once the admin has registered celery-beat's model admins."""
    # Read by the crontab admin's column and field, and by the periodic task form's hint on the chosen schedule.
    CrontabSchedule.human_readable = property(crontab_in_words)
    # The task form's read-only copy of that hint (hidden by its script, labelled from the method's name).
    admin.display(description=_("Schedule in words"))(PeriodicTaskAdmin.crontab_translation)
    for model, form in ((CrontabSchedule, CrontabScheduleForm), (PeriodicTask, LabelledPeriodicTaskForm)):
        model_admin = admin.site._registry.get(model)
        if model_admin is not None:
            model_admin.form = form
