"""The cockpit's daily counts (docs/cockpit.md): small tables the cockpit reads instead of the ticket table.

They are derived data, rebuilt exactly from tickets, bounces and disputes for any day range, so they are neither
historied nor audited. Keys are plain numbers and codes rather than foreign keys: 0 and "" mean "none", so a
unique constraint covers every row on both databases (NULLs would never collide).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyVolume(models.Model):
    """每日诉求量: tickets received on a day, by channel, request type and district ("" above a district).

    A few hundred rows a day whatever the city's size: the trend and the channel, type and district figures read
    this. Matter family and district are counted apart (DailyDistrictVolume; streets in DailyPlaceVolume), the lead
    department too (DailyDepartmentVolume): crossed together they would make one table nearly as long as the ticket
    table at city scale.
    """

    day = models.DateField(_("day"))
    channel = models.CharField(_("channel"), max_length=16)
    request_type = models.CharField(_("request type"), max_length=16)
    district_code = models.CharField(_("district"), max_length=12)
    tickets = models.PositiveIntegerField(_("tickets"))

    class Meta:
        verbose_name = _("daily volume")
        verbose_name_plural = _("daily volumes")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "channel", "request_type", "district_code"],
                name="daily_volume_key",
                include=["tickets"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.channel}/{self.request_type} {self.district_code}: {self.tickets}"


class DailyDistrictVolume(models.Model):
    """每日事项类别区县诉求量: tickets received on a day, by matter family and district — the heat map's counts.

    Matter family (the top of the matter tree) and district, not leaf matter and street: the table's size is bounded
    by days × families × districts whatever the number of tickets (docs/cockpit.md, "Rollups"). The matter
    breakdown and the district heat map read it.
    """

    day = models.DateField(_("day"))
    family_id = models.IntegerField(_("matter family"))
    district_code = models.CharField(_("district"), max_length=12)  # "" when the ticket's place is above a district
    tickets = models.PositiveIntegerField(_("tickets"))

    class Meta:
        verbose_name = _("daily volume by matter family and district")
        verbose_name_plural = _("daily volumes by matter family and district")
        constraints = [
            # The cockpit reads a day range and groups by family and district: on PostgreSQL the key with the count
            # included answers it from the index alone.
            models.UniqueConstraint(
                fields=["day", "family_id", "district_code"], name="daily_district_volume_key", include=["tickets"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.family_id}@{self.district_code}: {self.tickets}"


class DailyPlaceVolume(models.Model):
    """每日事项类别街道诉求量: tickets received on a day, by matter family, district and street.

    Read only on drill-down into one district (the street heat map), through the district-first index.
    """

    day = models.DateField(_("day"))
    family_id = models.IntegerField(_("matter family"))
    district_code = models.CharField(_("district"), max_length=12)
    street_code = models.CharField(_("street"), max_length=12)  # "" when the ticket's place is above a street
    tickets = models.PositiveIntegerField(_("tickets"))

    class Meta:
        verbose_name = _("daily volume by matter family and street")
        verbose_name_plural = _("daily volumes by matter family and street")
        constraints = [
            models.UniqueConstraint(
                fields=["district_code", "day", "family_id", "street_code"],
                name="daily_place_volume_key",
                include=["tickets"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.family_id}@{self.street_code or self.district_code}: {self.tickets}"


class DailyDepartmentVolume(models.Model):
    """每日单位诉求量: tickets received on a day by the department that leads them now (0: none yet)."""

    day = models.DateField(_("day"))
    department_id = models.IntegerField(_("lead department"))
    tickets = models.PositiveIntegerField(_("tickets"))

    class Meta:
        verbose_name = _("daily volume by department")
        verbose_name_plural = _("daily volumes by department")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "department_id"], name="daily_department_volume_key", include=["tickets"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}: {self.tickets}"


class FrictionKind(models.TextChoices):
    BOUNCE = "bounce", _("Bounce")
    DISPUTE = "dispute", _("Dispute")


class DailyFriction(models.Model):
    """每日退单与争议: bounces and disputes of a day between two departments, by the ticket's matter and place.

    A bounce runs from the bouncing department to the one it proposed (0 when it proposed none). A dispute counts
    once for each pair of its parties, lower id first; it has no direction (each party says the ticket is the
    other's), so the dispute network reads it both ways.
    """

    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=8, choices=FrictionKind)
    matter_id = models.IntegerField(_("matter"))
    district_code = models.CharField(_("district"), max_length=12)
    street_code = models.CharField(_("street"), max_length=12)
    from_department_id = models.IntegerField(_("from department"))
    to_department_id = models.IntegerField(_("to department"))
    events = models.PositiveIntegerField(_("events"))

    class Meta:
        verbose_name = _("daily bounces and disputes")
        verbose_name_plural = _("daily bounces and disputes")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "day",
                    "kind",
                    "matter_id",
                    "district_code",
                    "street_code",
                    "from_department_id",
                    "to_department_id",
                ],
                name="daily_friction_key",
                include=["events"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.from_department_id}→{self.to_department_id}: {self.events}"


class CatalogueHealth(models.Model):
    """目录健康度: the duty catalogue's gaps and overlaps as they stood on a day, counted once a day.

    Gaps and overlaps are whole-catalogue walks of the jurisdiction graph (seconds at city scale), so the cockpit
    reads these daily counts instead of walking the graph in a request.
    """

    day = models.DateField(_("day"), unique=True)
    gaps = models.PositiveIntegerField(_("gaps"))
    settled_gaps = models.PositiveIntegerField(_("gaps filled by precedents"))
    overlaps = models.PositiveIntegerField(_("overlaps"))
    settled_overlaps = models.PositiveIntegerField(_("overlaps settled by precedents"))

    class Meta:
        verbose_name = _("catalogue health")
        verbose_name_plural = _("catalogue health")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.gaps} / {self.overlaps}"
