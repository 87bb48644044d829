"""The city model: territories, departments, the matter tree and the duty catalogue."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.choices import DepartmentKind, DutyRole, DutySource, TerritoryLevel
from arbitration.history import HistoricalRecords


class TreePathMixin(models.Model):
    """A materialised path of codes ("/3708/370802/") so subtree reads are one indexed prefix filter."""

    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.path = self.compute_path()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "path"}
        super().save(*args, **kwargs)

    def compute_path(self) -> str:
        parent_path = self.parent.path if self.parent_id else "/"
        return f"{parent_path}{self.code}/"


class Territory(TreePathMixin):
    """属地: a node of the administrative division tree (city → district → street → community)."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=TerritoryLevel)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    history = HistoricalRecords(excluded_fields=["path"])

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def ancestor_codes(self) -> list[str]:
        """Codes from the city down to this territory, read off the path (no queries)."""
        return [code for code in self.path.split("/") if code]


class Matter(TreePathMixin):
    """诉求分类 / 事项: a three-level request category used by the duty catalogue."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=[(1, "1"), (2, "2"), (3, "3")])
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    legal_type = models.BooleanField(
        _("legal type"), default=False, help_text=_("Tickets of this matter go to the legal desk.")
    )
    history = HistoricalRecords(excluded_fields=["path"])

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """承办单位: any unit that can own a ticket — bureau, district, street, community, utility."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=DepartmentKind)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("governed territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="governments",
        help_text=_("For territorial governments: the territory they govern."),
    )
    regulated_sectors = models.ManyToManyField(
        Matter,
        verbose_name=_("regulated sectors"),
        blank=True,
        related_name="regulators",
        help_text=_("Matter families this department regulates; it is copied on their tickets (双向联办)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[regulated_sectors])

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DutyQuerySet(models.QuerySet):
    def valid_at(self, moment) -> "DutyQuerySet":
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=moment), valid_from__lte=moment)

    def current(self) -> "DutyQuerySet":
        return self.valid_at(timezone.now())


class Duty(models.Model):
    """权责清单 / 职责: department D holds matter M in territory T in a role, on a legal basis.

    Rows are never edited in place: a catalogue change closes one row (valid_until) and opens another
    (see services.catalogue.duty_revise), so the catalogue at any past moment can be read back.
    """

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="duties"
    )
    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="duties")
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory scope"), on_delete=models.PROTECT, related_name="duties"
    )
    role = models.CharField(_("role"), max_length=16, choices=DutyRole, default=DutyRole.LEAD)
    legal_basis = models.TextField(_("legal basis"), help_text=_("三定 clause, duty-list item or regulation."))
    source = models.CharField(_("source"), max_length=20, choices=DutySource, default=DutySource.CATALOGUE)
    source_reference = models.CharField(
        _("source reference"),
        max_length=64,
        blank=True,
        help_text=_("For precedents: the document number of the ruling or leader decision (e.g. 明责认〔2026〕3号)."),
    )
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    history = HistoricalRecords()

    objects = DutyQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        indexes = [models.Index(fields=["matter", "territory"]), models.Index(fields=["valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="duty_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.matter} · {self.territory} ({self.get_role_display()})"
