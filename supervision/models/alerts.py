"""Surge alerts (诉求增长异常预警): what the detector raised, its life, its bulletin, and muted series
(docs/alerts.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.history import WHO_COLUMN, HistoricalRecords
from arbitration.models import IssuedDocument
from arbitration.models.transitions import StatusTransition
from supervision.choices import AlertMethod, AlertStatus


def series_key(matter_id: int, territory_id: int | None) -> str:
    """ "matter:12/territory:7", or "matter:12/city" for the matter city-wide."""
    return f"matter:{matter_id}/" + (f"territory:{territory_id}" if territory_id else "city")


class SurgeAlert(models.Model):
    """增长异常预警: one series (a matter in a territory, or city-wide) rose above what its baseline allows on one day.

    The figures are those of the detection: `observed` and `expected` cover `span_days` days ending on `day`
    (1: the day alone). One alert per series and day, so detection run twice raises nothing new.
    """

    series_key = models.CharField(_("series"), max_length=60)
    matter = models.ForeignKey(
        "arbitration.Matter", verbose_name=_("matter"), on_delete=models.PROTECT, related_name="surge_alerts"
    )
    territory = models.ForeignKey(
        "arbitration.Territory",
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surge_alerts",
        help_text=_("Empty: the matter city-wide."),
    )
    day = models.DateField(_("day"))
    span_days = models.PositiveSmallIntegerField(_("days counted"), default=1)
    observed = models.PositiveIntegerField(_("observed"))
    expected = models.FloatField(_("expected"))
    upper_bound = models.FloatField(_("upper bound"))
    score = models.FloatField(_("exceedance score"))
    probability = models.FloatField(_("probability by chance"))
    method = models.CharField(_("method"), max_length=16, choices=AlertMethod)
    department = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("owning department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surge_alerts",
    )
    status = models.CharField(_("status"), max_length=16, choices=AlertStatus, default=AlertStatus.RAISED)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    acknowledge_due = models.DateField(_("acknowledge by"))
    action_text = models.TextField(_("action taken"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("surge alert")
        verbose_name_plural = _("surge alerts")
        ordering = ["-day", "-score", "-pk"]
        constraints = [models.UniqueConstraint(fields=["series_key", "day"], name="one_alert_per_series_and_day")]
        indexes = [models.Index(fields=["status", "acknowledge_due"]), models.Index(fields=["department", "status"])]

    def __str__(self) -> str:
        return f"{self.matter} {self.territory or ''} {self.day}"

    @property
    def place(self) -> str:
        return self.territory.name if self.territory_id else str(_("city-wide"))

    @property
    def increase(self) -> float:
        """How far above the expected count, as a fraction of it."""
        return (self.observed - self.expected) / self.expected if self.expected > 0 else 0.0


class SurgeAlertTransition(StatusTransition):
    """预警记录: an alert's status moves (raised, acknowledged, action taken, closed), who made them and why."""

    alert = models.ForeignKey(SurgeAlert, verbose_name=_("alert"), on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=16, choices=AlertStatus, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=AlertStatus)

    subject_field = "alert"

    class Meta(StatusTransition.Meta):
        verbose_name = _("surge alert transition")
        verbose_name_plural = _("surge alert transitions")


class SurgeBulletin(IssuedDocument):
    """风险预警参阅件: the numbered bulletin of one alert, to the owning department and the centre."""

    alert = models.OneToOneField(SurgeAlert, verbose_name=_("alert"), on_delete=models.PROTECT, related_name="bulletin")
    # Empty when detection issued it as the alert was raised (MINGZE_ALERT_BULLETIN_ON_RAISE): no person signs it.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
        null=True,
        blank=True,
    )
    history = HistoricalRecords(excluded_fields=["data"])

    class Meta:
        verbose_name = _("risk bulletin")
        verbose_name_plural = _("risk bulletins")
        ordering = ["-issued_at", "-pk"]

    def build_pdf(self) -> bytes:
        from arbitration.documents.render import LetterData, render_letter

        return render_letter(LetterData.from_dict(self.data))


class SeriesMuteQuerySet(models.QuerySet):
    def active_on(self, day) -> "SeriesMuteQuerySet":
        return self.filter(lifted_at=None).filter(Q(until=None) | Q(until__gte=day))


class SeriesMute(models.Model):
    """静默: a supervisor stops one series from raising alerts, with a reason, until a date or until lifted."""

    series_key = models.CharField(_("series"), max_length=60, db_index=True)
    matter = models.ForeignKey("arbitration.Matter", verbose_name=_("matter"), on_delete=models.PROTECT)
    territory = models.ForeignKey(
        "arbitration.Territory", verbose_name=_("territory"), null=True, blank=True, on_delete=models.PROTECT
    )
    reason = models.TextField(_("reason"))
    until = models.DateField(_("muted until"), null=True, blank=True, help_text=_("Empty: until lifted."))
    muted_at = models.DateTimeField(_("muted at"), default=timezone.now)
    muted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("muted by"), on_delete=models.PROTECT, related_name="+", **WHO_COLUMN
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = SeriesMuteQuerySet.as_manager()

    class Meta:
        verbose_name = _("muted series")
        verbose_name_plural = _("muted series")
        ordering = ["-muted_at", "-pk"]

    def __str__(self) -> str:
        return self.series_key
