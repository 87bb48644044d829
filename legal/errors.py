"""The legal desk's refusals: stable codes, translated messages, HTTP statuses."""

from django.utils.translation import gettext_lazy as _

from arbitration.errors import DomainError


class NotALawyer(DomainError):
    code, http_status, message = "not_a_lawyer", 400, _("{user} is not a lawyer of the legal desk.")


class ConflictNotDeclared(DomainError):
    code, http_status = "conflict_not_declared", 409
    message = _("Declare whether you have a conflict of interest before giving advice on this case.")


class ConflictOfInterest(DomainError):
    code, http_status = "conflict_of_interest", 409
    message = _("You declared a conflict of interest on this case; the desk lead must assign another lawyer.")


class AlreadyDeclared(DomainError):
    code, http_status, message = "already_declared", 409, _("You have already declared on this case.")


class NotTheCaseLawyer(DomainError):
    code, http_status, message = "not_the_case_lawyer", 403, _("Only the lawyer assigned to this case may do this.")


class NoAdviceYet(DomainError):
    code, http_status, message = "no_advice_yet", 409, _("Log advice on the case before handing it off.")


class BodyInactive(DomainError):
    code, http_status, message = "body_inactive", 400, _("This body is no longer on the hand-off list.")


class HandoffAlreadyReceived(DomainError):
    code, http_status, message = "handoff_already_received", 409, _("The receipt of this hand-off is already recorded.")


class HandoffNotReceived(DomainError):
    code, http_status, message = "handoff_not_received", 409, _("Record the body's receipt before the outcome.")


class NoProcuratorateLiaison(DomainError):
    code, http_status = "no_procuratorate_liaison", 409
    message = _("No procuratorate liaison is registered; add one before handing off a lead.")


class FeedbackIncomplete(DomainError):
    code, http_status, message = "feedback_incomplete", 400, _("This feedback needs {field}.")


class EmptyPeriod(DomainError):
    code, http_status, message = "empty_period", 400, _("The screening period must end after it starts.")


class LeadNotEditable(DomainError):
    code, http_status, message = "lead_not_editable", 409, _("A lead that is {status} can no longer be edited.")
