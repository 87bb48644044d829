"""Problems: repeated requests (重复诉求) grouped into one matter of concern, and the tickets they hold.

How tickets are grouped is written down in docs/supervision.md ("Problems"); the sweep does the grouping
(`supervision.services.problems`).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.history import HistoricalRecords
from supervision.choices import ProblemRule


class Problem(models.Model):
    """同一诉求问题: tickets about the same matter at the same place, or from the same caller, within the window.

    A problem opens one supervision case that lists all its tickets. When a new ticket ties two problems
    together, the younger one is merged into the older (`merged_into`) and its tickets move over.
    """

    tickets = models.ManyToManyField(
        "arbitration.Ticket",
        verbose_name=_("tickets"),
        through="supervision.ProblemTicket",
        related_name="problems",
    )
    opened_at = models.DateTimeField(_("grouped at"), default=timezone.now)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="absorbed",
    )
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return _("Problem %(number)s") % {"number": self.pk}


class ProblemTicket(models.Model):
    """问题工单: one ticket's place in a problem — a ticket belongs to at most one problem."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.PROTECT, related_name="memberships"
    )
    ticket = models.OneToOneField(
        "arbitration.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="problem_membership",
    )
    rule = models.CharField(_("grouped by"), max_length=8, choices=ProblemRule)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ticket of a problem")
        verbose_name_plural = _("tickets of problems")
        ordering = ["joined_at", "pk"]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.ticket_id}"
