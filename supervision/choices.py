"""Enumerations of supervision. Labels are the words users see (zh-Hans catalogue)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Tier(models.TextChoices):
    """The rungs of the ladder, light to heavy (docs/supervision.md, "The ladder")."""

    ROUTINE = "routine", _("Routine supervision")
    KEY = "key", _("Key supervision")
    TASK_FORCE = "task_force", _("Task-force dispatch")


TIER_ORDER: tuple[str, ...] = (Tier.ROUTINE, Tier.KEY, Tier.TASK_FORCE)


class Trigger(models.TextChoices):
    """Why a supervision case was opened."""

    NEAR_DUE = "near_due", _("Near the time limit")
    OVERDUE = "overdue", _("Past the time limit")
    UNSATISFIED = "unsatisfied", _("Unsatisfied after re-handling")
    REPEATED = "repeated", _("Repeated requests")
    UNREASONABLE_BOUNCES = "unreasonable_bounces", _("Unreasonable bounces")
    RULING_REFUSED = "ruling_refused", _("Ruling or leader decision refused")
    SURGE_UNANSWERED = "surge_unanswered", _("Surge alert not acknowledged in time")
    MANUAL = "manual", _("Opened by a supervisor")


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("supervision case status", "Open")
    CLOSED = "closed", pgettext_lazy("supervision case status", "Closed")


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    CARD_RED = "card_red", _("Turned red: past the time limit")
    RAISED = "raised", _("Raised to a higher tier")
    PRESSED = "pressed", _("Pressed")
    ANSWERED = "answered", _("Answered by the department")
    EXTENSION_GRANTED = "extension_granted", _("Extension granted")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    REMINDER_QUEUED = "reminder_queued", _("Reminder queued")
    LETTER_DRAFTED = "letter_drafted", _("Letter drafted")
    LETTER_ISSUED = "letter_issued", _("Letter issued")
    LADDER_TOP = "ladder_top", _("Top of the ladder reached")
    TICKET_JOINED = "ticket_joined", _("A new ticket of the problem joined")
    PROBLEM_MERGED = "problem_merged", _("Problems merged into one")
    CLOSED = "closed", pgettext_lazy("supervision case event", "Closed")


class ProblemRule(models.TextChoices):
    """Which rule tied a ticket to its problem (see docs/supervision.md, "Problems")."""

    PLACE = "place", _("Same matter at the same place")
    CALLER = "caller", _("Same caller")
    BOTH = "both", _("Same place and same caller")


class AnswerKind(models.TextChoices):
    PROGRESS = "progress", _("Progress report")
    RESULT = "result", _("Result")
    EXTENSION = "extension", _("Request for extension")


class ExtensionDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class ReminderStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")


class LetterKind(models.TextChoices):
    REMINDER = "reminder", "催办通知书"
    ESCALATION = "escalation", "督办函"
    WARNING = "warning", "预警函"
    INTERVIEW = "interview", "约谈通知"
    REFERRAL = "referral", "移送函"


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    ANSWERED = "answered", _("Answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class ReferralTrigger(models.TextChoices):
    PING_PONG = "ping_pong", _("Bounced back and forth between departments")
    REPEATED_UNSATISFIED = "repeated_unsatisfied", _("Repeated with unsatisfied follow-ups")
    OVERDUE_AFTER_KEY = "overdue_after_key", _("Still overdue after key supervision")
    REFUSAL = "refusal", _("Ruling or leader decision refused")
    MANUAL = "manual", _("Referred by a supervisor")


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SENT = "sent", _("Sent to the discipline commission")
    RECEIVED = "received", pgettext_lazy("referral status", "Received")
    UNDER_REVIEW = "under_review", _("Under review")
    CONCLUDED = "concluded", _("Concluded")
    DISMISSED = "dismissed", _("Dismissed")


class PeriodStatus(models.TextChoices):
    """A period's scorecards: a draft open to appeal, then published and frozen (docs/scorecards.md)."""

    DRAFT = "draft", pgettext_lazy("scorecard period status", "Draft")
    PUBLISHED = "published", pgettext_lazy("scorecard period status", "Published")


class ScoreRate(models.TextChoices):
    """The four rates of the service index, in the order of settings.MINGZE_SCORE_WEIGHTS."""

    RESPONSE = "response", _("On-time response")
    ON_TIME = "on_time", _("On-time completion")
    FEEDBACK = "feedback", _("Timely feedback")
    SATISFACTION = "satisfaction", _("Satisfaction")


class ScoreOutcome(models.TextChoices):
    """How one ticket stands in one rate; a ticket the rate leaves alone has no outcome (blank)."""

    MET = "met", _("Met")
    MISSED = "missed", _("Missed")
    UNKNOWN = "unknown", _("Not yet known")


class ScoreBasis(models.TextChoices):
    """Why a ticket is charged to a department (docs/scorecards.md)."""

    HANDLED = "handled", _("Handling department")
    COPIED = "copied", _("Copied regulator")
    HELD = "held", _("Held before an upheld bounce")
    DUAL_PART = "dual", _("Its part of a dual dispatch")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    ACCEPTED = "accepted", pgettext_lazy("appeal status", "Accepted")
    REFUSED = "refused", pgettext_lazy("appeal status", "Refused")


class AppealDecision(models.TextChoices):
    """What an accepted appeal does to the ticket in the department's scorecard."""

    EXCLUDE = "exclude", _("Leave the ticket out")
    REATTRIBUTE = "reattribute", _("Charge it to another department")


class TopicStatus(models.TextChoices):
    """每月一题: the life of a monthly topic (docs/topics.md)."""

    PROPOSED = "proposed", pgettext_lazy("topic status", "Proposed")
    APPROVED = "approved", pgettext_lazy("topic status", "Approved")
    IN_PROGRESS = "in_progress", pgettext_lazy("topic status", "In progress")
    CLOSING = "closing", pgettext_lazy("topic status", "Closing")
    CLOSED = "closed", pgettext_lazy("topic status", "Closed")
    REJECTED = "rejected", pgettext_lazy("topic status", "Rejected")


# A topic in these states gathers the tickets that arrive and takes progress reports.
TOPIC_WORKING_STATUSES = frozenset({TopicStatus.APPROVED, TopicStatus.IN_PROGRESS, TopicStatus.CLOSING})


class TopicSource(models.TextChoices):
    """Where the idea of a topic came from; the reference itself is free text (an alert's number, a hot spot)."""

    COCKPIT = "cockpit", _("Leader cockpit")
    HOTSPOT = "hotspot", _("Hot spot")
    ALERT = "alert", _("Surge alert")
    OTHER = "other", _("Other")


class TopicTicketVia(models.TextChoices):
    ARRIVAL = "arrival", _("Arrived after approval")
    LOOKBACK = "lookback", _("Look-back window")


class AlertStatus(models.TextChoices):
    """A surge alert's life (docs/alerts.md, "Life of an alert")."""

    RAISED = "raised", _("Raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACTED = "acted", _("Action taken")
    CLOSED = "closed", pgettext_lazy("surge alert status", "Closed")


class AlertMethod(models.TextChoices):
    """Which detector raised the alert (docs/alerts.md, "Method")."""

    GLM = "glm", _("Quasi-Poisson baseline (Farrington-like)")
    EARS_C2 = "ears_c2", _("EARS C2 (short history)")
    EARS_C3 = "ears_c3", _("EARS C3 (short history)")
