"""Enumerations of the city model and tickets. Labels are the words users see (zh-Hans catalogue)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    """A user's roles are Django groups with these names; permissions hang on the groups."""

    DISPATCHER = "dispatcher", _("Dispatcher")
    LIAISON = "liaison", _("Department liaison")
    CONFERENCE_MEMBER = "conference_member", _("Conference member")
    SUPERVISOR = "supervisor", _("Supervisor")
    LAWYER = "lawyer", _("Lawyer")
    LEGAL_DESK_LEAD = "legal_desk_lead", _("Legal desk lead")
    DISCIPLINE_LIAISON = "discipline_liaison", _("Discipline commission liaison")
    PROCURATORATE_LIAISON = "procuratorate_liaison", _("Procuratorate liaison")
    CITY_LEADER = "city_leader", _("City leader")
    ADMINISTRATOR = "administrator", _("Administrator")


class RenderStatus(models.TextChoices):
    """Where an issued document's PDF stands; rendering runs after the issuing transaction commits."""

    PENDING = "pending", _("PDF pending")
    RENDERED = "rendered", _("PDF rendered")
    FAILED = "failed", _("PDF rendering failed")


class TerritoryLevel(models.IntegerChoices):
    CITY = 1, _("City")
    DISTRICT = 2, _("District")
    STREET = 3, _("Street")
    COMMUNITY = 4, _("Community")


class DepartmentKind(models.TextChoices):
    BUREAU = "bureau", _("City bureau")
    DISTRICT = "district", _("District")
    ZONE = "zone", _("Development zone")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    UTILITY = "utility", _("Utility")
    OTHER = "other", _("Other body")


TERRITORIAL_KINDS = frozenset(
    {DepartmentKind.DISTRICT, DepartmentKind.ZONE, DepartmentKind.STREET, DepartmentKind.COMMUNITY}
)


class DutyRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    CO_HANDLER = "co_handler", _("Co-handler")
    REGULATOR = "regulator", _("Regulator (copied)")


class DutySource(models.TextChoices):
    CATALOGUE = "catalogue", _("Duty catalogue")
    RULING = "ruling", _("Conference ruling")
    LEADER_DECISION = "leader_decision", _("Leader decision")
    AGREEMENT = "agreement", _("Negotiated agreement")


# Duties whose source is one of these are precedents: they outrank the catalogue (see arbitration/graph/suggest.py).
PRECEDENT_SOURCES = frozenset({DutySource.RULING, DutySource.LEADER_DECISION, DutySource.AGREEMENT})


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Website")
    APP = "app", _("App")
    MINI_PROGRAM = "mini_program", _("Mini-program")
    LETTER = "letter", _("Letter")
    PROVINCIAL = "provincial", _("12345 provincial platform")


class RequestType(models.TextChoices):
    ENQUIRY = "enquiry", _("Enquiry")
    HELP = "help", _("Request for help")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report")
    SUGGESTION = "suggestion", _("Suggestion")


class TicketStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    DISPATCHED = "dispatched", _("Dispatched")
    HANDLING = "handling", _("Being handled")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn by the citizen")


OPEN_TICKET_STATUSES = (TicketStatus.RECEIVED, TicketStatus.DISPATCHED, TicketStatus.HANDLING)


class Resolution(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    PARTLY = "partly", _("Partly resolved")
    UNRESOLVED = "unresolved", _("Unresolved")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    NOT_RATED = "not_rated", _("Not rated")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    CO_HANDLER = "co_handler", _("Co-handler")
    COPIED = "copied", _("Copied")


class AssignmentMethod(models.TextChoices):
    DIRECT = "direct", _("Direct dispatch")
    DUAL = "dual", _("Dual dispatch")
    FIRST_RECEIVER = "first_receiver", _("First receiver")
    CONFERENCE_RULING = "conference_ruling", _("Conference ruling")
    LEADER_DECISION = "leader_decision", _("Leader decision")
    AGREEMENT = "agreement", _("Negotiated agreement")
    REORGANISATION = "reorganisation", _("Reorganisation")


# Methods that carry out a settled ownership (docs/dispatch.md): a first receiver's hold ends with them, and the
# route a ticket took before them is argued out (a ring is counted after them only).
SETTLING_METHODS = frozenset(
    {AssignmentMethod.CONFERENCE_RULING, AssignmentMethod.LEADER_DECISION, AssignmentMethod.AGREEMENT}
)


class TimeUnit(models.TextChoices):
    NATURAL_HOURS = "natural_hours", _("Natural hours")
    WORKING_HOURS = "working_hours", _("Working hours")
    WORKING_DAYS = "working_days", _("Working days")
    CALENDAR_DAYS = "calendar_days", _("Calendar days")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday")
    MAKEUP_WORKDAY = "makeup_workday", _("Make-up working day")


class TicketEventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    UPDATED = "updated", _("Updated by the hotline")
    DISPATCHED = "dispatched", _("Dispatched")
    ASSIGNMENT_ENDED = "assignment_ended", _("Assignment ended")
    STATUS_CHANGED = "status_changed", _("Status changed")
    DUE_TIME_SET = "due_time_set", _("Due time set")
    BOUNCED = "bounced", _("Bounced")
    BOUNCE_REVIEWED = "bounce_reviewed", _("Bounce reviewed")
    DISPUTE_OPENED = "dispute_opened", _("Dispute opened")
    DISPUTE_SETTLED = "dispute_settled", _("Dispute settled")
    LEGAL_ROUTE = "legal_route", _("Legal route")
    # The hotline platform's events after dispatch (docs/platform-events.md).
    SIGNED = "signed", _("Signed for")
    FIRST_RESPONSE = "first_response", _("First response to the citizen")
    REPLIED = "replied", _("Replied")
    VISITED = "visited", _("Return visit")
    REHANDLED = "rehandled", _("Re-handling")
    REMINDED = "reminded", _("Reminder from the citizen")
    SUPPLEMENTED = "supplemented", _("Supplement from the citizen")
    WITHDRAWN = "withdrawn", _("Withdrawn by the citizen")
    # Verification by the centre before a ticket of a configured tier counts as handled (docs/dispatch.md).
    VERIFIED = "verified", _("Verified by the hotline centre")
    VERIFICATION_FAILED = "verification_failed", _("Failed the hotline centre's verification")
    SECOND_DISPATCH = "second_dispatch", _("Second dispatch")


# The events the hotline platform reports (POST /api/v1/tickets/{hotline_no}/events/, import_tickets).
PLATFORM_EVENT_KINDS = (
    TicketEventKind.SIGNED,
    TicketEventKind.FIRST_RESPONSE,
    TicketEventKind.REPLIED,
    TicketEventKind.VISITED,
    TicketEventKind.REHANDLED,
    TicketEventKind.REMINDED,
    TicketEventKind.SUPPLEMENTED,
    TicketEventKind.WITHDRAWN,
    TicketEventKind.VERIFIED,
    TicketEventKind.VERIFICATION_FAILED,
)


# --- Bounces, disputes, conference, rulings ---------------------------------------------------------
class BounceOutcome(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected (unreasonable bounce)")


class DisputeStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("dispute status", "Open")
    NEGOTIATING = "negotiating", _("Negotiating")
    ON_AGENDA = "on_agenda", _("On the conference agenda")
    AGREED = "agreed", _("Agreed")
    RULED = "ruled", _("Ruled")
    AWAITING_SIGN_OFF = "awaiting_sign_off", _("Awaiting leader sign-off")
    DECIDED = "decided", _("Decided by a leader")


ACTIVE_DISPUTE_STATUSES = (
    DisputeStatus.OPEN,
    DisputeStatus.NEGOTIATING,
    DisputeStatus.ON_AGENDA,
    DisputeStatus.AWAITING_SIGN_OFF,
)


class DisputeTrigger(models.TextChoices):
    BOUNCE_COUNT = "bounce_count", _("Bounced too many times")
    PING_PONG = "ping_pong", _("Bounced back and forth")
    DISPATCHER = "dispatcher", _("Opened by a dispatcher")
    RING = "ring", _("Passed round a ring of departments")
    UNSATISFIED = "unsatisfied", _("Unsatisfied round after round (consultation)")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CLOSED = "closed", pgettext_lazy("conference session status", "Closed")


class AgendaItemStatus(models.TextChoices):
    OPEN = "open", _("Open for voting")
    CLOSED = "closed", pgettext_lazy("agenda item status", "Closed")


class AgendaOutcome(models.TextChoices):
    RULING = "ruling", _("Ruling")
    NO_QUORUM = "no_quorum", _("Deadlock: no quorum")
    NO_MAJORITY = "no_majority", _("Deadlock: no majority")
    TIE = "tie", _("Deadlock: tie")


class RulingScope(models.TextChoices):
    """Where a ruling, leader decision or agreement binds: the ticket alone, or its matter at one level of the
    ticket's territory chain (docs/rulings.md)."""

    TICKET = "ticket", _("This ticket only")
    COMMUNITY = "community", _("This matter in the ticket's community")
    STREET = "street", _("This matter in the ticket's street")
    DISTRICT = "district", _("This matter in the ticket's district")
    CITY = "city", _("This matter city-wide")


# The territory level each scope binds at; the ticket scope binds the ticket alone.
SCOPE_LEVELS = {
    RulingScope.COMMUNITY: TerritoryLevel.COMMUNITY,
    RulingScope.STREET: TerritoryLevel.STREET,
    RulingScope.DISTRICT: TerritoryLevel.DISTRICT,
    RulingScope.CITY: TerritoryLevel.CITY,
}
DEFAULT_RULING_SCOPE = RulingScope.STREET


class NoticeKind(models.TextChoices):
    TICKET_GAINED = "ticket_gained", _("Ticket given to your department by a decision")
    TICKET_LOST = "ticket_lost", _("Ticket taken from your department by a decision")
    SURGE_ALERT = "surge_alert", _("Surge alert for a matter your department owns")


class ProposalStatus(models.TextChoices):
    """A catalogue reform proposal: waiting for the catalogue administrator, then approved or rejected."""

    PROPOSED = "proposed", pgettext_lazy("proposal status", "Proposed")
    APPROVED = "approved", pgettext_lazy("proposal status", "Approved")
    REJECTED = "rejected", pgettext_lazy("proposal status", "Rejected")


class ProposalOrigin(models.TextChoices):
    """What a catalogue reform proposal was drafted from (docs/catalogue-reform.md)."""

    RULING = "ruling", _("A ruling")
    OVERLAP = "overlap", _("A recurring overlap")
    GAP = "gap", _("A recurring gap")
    TOPIC = "topic", _("A monthly topic")
    MANUAL = "manual", _("By hand")


class ProposalAction(models.TextChoices):
    ADD = "add", _("Add a duty")
    END = "end", _("End a duty")
    CHANGE = "change", _("Change a duty")


class ReorganisationKind(models.TextChoices):
    """机构改革: departments merged into one, one split into several, or one renamed."""

    MERGE = "merge", _("Merge")
    SPLIT = "split", _("Split")
    RENAME = "rename", _("Rename")


class ReorganisationStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("reorganisation status", "Planned")
    APPROVED = "approved", pgettext_lazy("reorganisation status", "Approved")
    CARRIED_OUT = "carried_out", pgettext_lazy("reorganisation status", "Carried out")
    REJECTED = "rejected", pgettext_lazy("reorganisation status", "Rejected")
