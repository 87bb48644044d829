"""django-celery-beat's admin in the centre's words (config/celery_beat.py): the crontab form offers the centre's
time zones by Chinese names and stores their IANA names, a cron schedule reads in the active language, and every task
the project registers is offered by what it does."""

import zoneinfo

import pytest
from celery import current_app
from django.utils import translation
from django_celery_beat.models import CrontabSchedule

from config.celery_beat import TASK_LABELS, CrontabScheduleForm, LabelledPeriodicTaskForm
from tests.crawl import english_words

CRONTAB = {"minute": "0", "hour": "3", "day_of_month": "*", "month_of_year": "*", "day_of_week": "1-5"}


def test_the_crontab_form_offers_the_centres_zones_by_chinese_names(settings):
    settings.TIME_ZONE = "Asia/Harbin"  # a setting outside the centre's list stays selectable
    with translation.override("zh-hans"):
        choices = dict(CrontabScheduleForm().fields["timezone"].choices)
    assert choices == {
        "Asia/Shanghai": "北京时间",
        "Asia/Urumqi": "乌鲁木齐时间",
        "UTC": "协调世界时",
        "Asia/Harbin": "Asia/Harbin",
    }


@pytest.mark.django_db
def test_the_crontab_form_stores_the_zone_name_and_refuses_a_zone_outside_its_list():
    assert not CrontabScheduleForm({**CRONTAB, "timezone": "Cuba"}).is_valid()
    form = CrontabScheduleForm({**CRONTAB, "timezone": "Asia/Shanghai"})
    assert form.is_valid(), form.errors
    crontab = form.save()
    crontab.refresh_from_db()
    assert crontab.timezone == zoneinfo.ZoneInfo("Asia/Shanghai")


def test_a_schedule_made_elsewhere_keeps_its_zone_among_the_choices():
    crontab = CrontabSchedule(**CRONTAB, timezone="Europe/Berlin")
    assert "Europe/Berlin" in dict(CrontabScheduleForm(instance=crontab).fields["timezone"].choices)


def test_a_cron_schedule_reads_in_the_active_language():
    crontab = CrontabSchedule(**CRONTAB, timezone="Asia/Shanghai")
    with translation.override("zh-hans"):
        chinese = crontab.human_readable
    with translation.override("en"):
        english = crontab.human_readable
    assert "03:00" in chinese and "星期一" in chinese and "星期五" in chinese and chinese.endswith("北京时间")
    assert not english_words(chinese), chinese
    assert "Monday" in english and english.endswith("Beijing time")


def test_every_task_the_project_registers_is_offered_by_what_it_does():
    current_app.loader.import_default_modules()
    registered = {name for name in current_app.tasks if not name.startswith("celery.")}
    assert registered == set(TASK_LABELS)
    with translation.override("zh-hans"):
        offered = dict(LabelledPeriodicTaskForm().fields["regtask"].widget.choices)
    assert offered["supervision.tasks.supervision_sweep_task"] == "在办工单督办巡查"
    assert not english_words(" ".join(str(label) for label in offered.values()))
