"""Runs of work spread over Celery workers by partition (docs/spread.md).

A run's rows are their own record: workers write them, each field once (started, done, finished), nobody edits
them, so they carry no history table; the admin shows them read-only.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SpreadRun(models.Model):
    """分片运行: one run of a kind of work (the sweep, screening, rollups, rendering), split into partitions."""

    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("spread run")
        verbose_name_plural = _("spread runs")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["kind", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class SpreadPartition(models.Model):
    """One partition of a run: the unit a worker takes, retried as a whole until it is done."""

    run = models.ForeignKey(SpreadRun, on_delete=models.CASCADE, related_name="partitions", verbose_name=_("run"))
    number = models.PositiveIntegerField(_("number"))
    params = models.JSONField(_("parameters"), default=dict)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("spread partition")
        verbose_name_plural = _("spread partitions")
        ordering = ["run", "number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="spread_partition_unique_number")]

    def __str__(self) -> str:
        return f"{self.run} / {self.number}"
