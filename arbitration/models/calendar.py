"""The working calendar (docs/domain.md §4) and the time-limit tiers (§3), both edited by administrators."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from arbitration.choices import CalendarDayKind, TimeUnit
from arbitration.history import HistoricalRecords


class CalendarYear(models.Model):
    """工作日历年度: one year whose holidays and make-up days are known, with the notice they come from.

    A year without a row is unknown: time limits reaching into it are never guessed.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source"), max_length=255, help_text=_("The State Council notice, e.g. 国办发明电〔2025〕7号.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """法定节假日 / 调休: a public holiday, or a weekend day that is a make-up working day."""

    calendar_year = models.ForeignKey(
        CalendarYear, verbose_name=_("calendar year"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarDayKind)
    name = models.CharField(_("name"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class TimeLimitTier(models.Model):
    """办理时限: a named time limit (即办, 3 hours, 5 working days…) counted from dispatch, and its response limit."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(_("unit"), max_length=16, choices=TimeUnit)
    # The first-response limit (首次响应: first contact with the citizen), counted from dispatch like the
    # handling limit. Local default: 3 working hours (docs/platform-events.md).
    response_amount = models.PositiveIntegerField(_("first response within"), default=3)
    response_unit = models.CharField(
        _("first response unit"), max_length=16, choices=TimeUnit, default=TimeUnit.WORKING_HOURS
    )
    is_default = models.BooleanField(_("default tier"), default=False)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("time-limit tier")
        verbose_name_plural = _("time-limit tiers")
        ordering = ["ordering", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_time_limit_tier"
            )
        ]

    def __str__(self) -> str:
        return self.name
