"""Domain errors: a stable code, a translated message and the HTTP status the API answers with.

Services raise these; `config.api.api_exception_handler` renders them as {code, message, details}
and pages show the message. Every app's errors subclass `DomainError`.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    http_status = 400
    message = _("This request cannot be carried out.")

    def __init__(self, message: str | None = None, **details: object) -> None:
        self.details = details
        if message is not None:
            self.message = message
        super().__init__(str(self.message).format(**details))

    def __str__(self) -> str:  # translated lazily, in the language active when shown
        return str(self.message).format(**self.details)


class NotFound(DomainError):
    """Missing and forbidden look the same, so nobody learns what exists by probing."""

    code, http_status, message = "not_found", 404, _("Not found.")


class PermissionDenied(DomainError):
    code, http_status, message = "permission_denied", 403, _("You may not do this.")


class InvalidInput(DomainError):
    """Bad input; `details` names the offending field."""

    code, http_status, message = "invalid", 400, _("Invalid value for {field}: {reason}")


class RowNotStored(DomainError):
    """A row of a bulk write that the database refused (its batch was written without it)."""

    code, http_status, message = "row_not_stored", 400, _("The database refused this row ({reason}).")


class UnknownCode(InvalidInput):
    code, message = "unknown_code", _("Unknown {field} code: {value}")


class CalendarYearMissing(DomainError):
    code, http_status = "calendar_year_missing", 409
    message = _("The working calendar has no data for {year}; enter that year's holidays first.")


class IllegalMove(DomainError):
    code, http_status, message = "illegal_move", 409, _("A {thing} that is {current} cannot become {target}.")


# --- Events from the hotline platform -------------------------------------------------------------------
class TicketWithdrawn(DomainError):
    code, http_status = "ticket_withdrawn", 409
    message = _("Ticket {ticket} was withdrawn by the citizen; no further event can be recorded on it.")


class EventNotAllowed(DomainError):
    code, http_status = "event_not_allowed", 409
    message = _("“{kind}” cannot be recorded on ticket {ticket} ({status}): {reason}.")


class EventIdConflict(DomainError):
    code, http_status = "event_id_conflict", 409
    message = _("Event {event_id} was already received with different content; the platform may not reuse an event id.")


# --- Bounces, disputes, conference, rulings -----------------------------------------------------------
class BounceWindowClosed(DomainError):
    code, http_status = "bounce_window_closed", 409
    message = _(
        "The bounce window closed at {deadline}: a bounce must be made within {days} working days of "
        "dispatch. The ticket stays with your department."
    )


class AlreadyBounced(DomainError):
    code, http_status = "already_bounced", 409
    message = _("This assignment was already bounced on {bounced_at}; an assignment can be bounced only once.")


class AssignmentNotActive(DomainError):
    code, http_status = "assignment_not_active", 409
    message = _("This assignment has ended; only a current assignment can be bounced.")


class FirstReceiverHolds(DomainError):
    """首接负责: the first receiver keeps the ticket until its ownership is settled (docs/dispatch.md)."""

    code, http_status = "first_receiver_holds", 409
    message = _(
        "{department} received this ticket under first-receiver responsibility: it handles the ticket until its "
        "ownership is settled and cannot bounce it meanwhile. Ask the hotline centre to open a dispute instead."
    )


class BoundByDecision(DomainError):
    code, http_status = "bound_by_decision", 409
    message = _(
        "{document} gave tickets of this kind to {department}; they cannot be bounced again on the ground "
        "“{reason}”. If your department refuses the decision, declare the refusal on the decision's page."
    )


class CatalogueNamesDepartment(DomainError):
    code, http_status = "catalogue_names_department", 400
    message = _(
        "The catalogue names {department} as lead for this matter here ({reference}). To bounce it as “{reason}”, "
        "cite the document that says otherwise."
    )


class NotOfDepartment(DomainError):
    code, http_status = "not_of_department", 403
    message = _("Only a liaison of {department} may do this.")


class BounceAlreadyReviewed(DomainError):
    code, http_status = "bounce_already_reviewed", 409
    message = _("This bounce was already reviewed ({outcome}).")


class DisputeAlreadyOpen(DomainError):
    code, http_status = "dispute_already_open", 409
    message = _("Ticket {ticket} already has an open dispute (#{dispute}).")


class NotAParty(DomainError):
    code, http_status = "not_a_party", 403
    message = _("Only a party to this dispute (or a recused member) may post a statement.")


class SessionClosed(DomainError):
    code, http_status = "session_closed", 409
    message = _("This conference session is closed.")


class SessionNotStarted(DomainError):
    code, http_status = "session_not_started", 409
    message = _("The session begins at {starts_at}: an item cannot be closed before its session has begun.")


class CastingVoteRequired(DomainError):
    code, http_status = "casting_vote_required", 409
    message = _(
        "The vote is tied between {leads}. Under the local rules the chair breaks a tie with a casting vote: "
        "choose one of them."
    )


class ScopeBeyondPlace(DomainError):
    code, http_status = "scope_beyond_place", 400
    message = _("The ticket's place ({place}) is not known down to the {level}: choose a wider scope.")


class ItemClosed(DomainError):
    code, http_status = "item_closed", 409
    message = _("Voting on this agenda item closed at {closed_at}; your vote was not recorded.")


class RecusedMember(DomainError):
    code, http_status = "recused", 403
    message = _(
        "{department} is a party to this dispute, so its member is recused: you may post a statement but not vote."
    )


class AlreadyRefused(DomainError):
    code, http_status = "already_refused", 409
    message = _("{department} has already declared its refusal of {document}.")


class DocumentNotReady(DomainError):
    """The issued document exists but its PDF could not be rendered yet (retried by render_pending_documents)."""

    code, http_status = "document_not_ready", 409
    message = _("The PDF of {document_number} is not ready yet; please try again shortly.")


class ProposalMoveRefused(DomainError):
    code, http_status = "proposal_move_refused", 409
    message = _("A catalogue proposal that is {current} cannot become {target}.")


class ProposalEmpty(DomainError):
    code, http_status, message = "proposal_empty", 400, _("A catalogue proposal must name at least one duty change.")


class ProposalStale(DomainError):
    code, http_status = "proposal_stale", 409
    message = _("Duty {duty} has been ended or revised since the proposal was drafted: draft it again.")


class EffectiveDatePast(DomainError):
    code, http_status, message = "effective_date_past", 400, _("The effective date {date} is already past.")


class ReorganisationMoveRefused(DomainError):
    code, http_status = "reorganisation_move_refused", 409
    message = _("A reorganisation that is {current} cannot become {target}.")


class ReorganisationInvalid(DomainError):
    code, http_status, message = "reorganisation_invalid", 400, _("This reorganisation cannot be planned: {reason}.")


class ReorganisationNotDue(DomainError):
    code, http_status = "reorganisation_not_due", 409
    message = _("The reorganisation takes effect at {effective_at}: it cannot be carried out before then.")
