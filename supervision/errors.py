"""Refusals of supervision actions: stable codes, translated messages, HTTP statuses (see arbitration.errors)."""

from django.utils.translation import gettext_lazy as _

from arbitration.errors import DomainError


class CaseClosed(DomainError):
    code, http_status, message = "case_closed", 409, _("This supervision case is already closed.")


class TopOfLadder(DomainError):
    code, http_status, message = "top_of_ladder", 409, _("The case is already at the highest tier.")


class CaseAlreadyOpen(DomainError):
    code, http_status, message = "case_already_open", 409, _("An open case for this already exists.")


class ExtensionNotPending(DomainError):
    code, http_status, message = "extension_not_pending", 409, _("This request for extension was already decided.")


class ExtensionNotLater(DomainError):
    code, http_status = "extension_not_later", 400
    message = _("An extension must move the due time later than it is now.")


class ReasonRequired(DomainError):
    code, http_status, message = "reason_required", 400, _("Give a reason.")


class LetterNotDraft(DomainError):
    code, http_status, message = "letter_not_draft", 409, _("Only a draft letter can be issued or withdrawn.")


class LetterNotIssued(DomainError):
    code, http_status, message = "letter_not_issued", 409, _("Only an issued letter can be answered.")


class LetterNoAddressee(DomainError):
    code, http_status, message = "letter_no_addressee", 400, _("A letter needs an addressee.")


class LetterSubjectMissing(DomainError):
    code, http_status = "letter_subject_missing", 400
    message = _("A {kind} is drafted from {subject}.")


class LetterTemplateMissing(DomainError):
    code, http_status = "letter_template_missing", 409
    message = _("There is no text template for the {kind}; an administrator must add one.")


class LetterTemplateInvalid(DomainError):
    code, http_status = "letter_template_invalid", 409
    message = _("The text template for the {kind} is not valid ({problems}); an administrator must correct it.")


class InterviewDetailsMissing(DomainError):
    code, http_status = "interview_details_missing", 400
    message = _("An interview notice needs its time, place, who must attend and what to bring. Missing: {missing}.")


class InterviewNotAhead(DomainError):
    code, http_status = "interview_not_ahead", 400
    message = _("The interview must be set for a time after the notice is issued.")


class ReferralMoveRefused(DomainError):
    code, http_status, message = "referral_move_refused", 409, _("A referral that is {current} cannot become {target}.")


class NoDisciplineLiaison(DomainError):
    code, http_status, message = "no_discipline_liaison", 400, _("Choose a discipline commission liaison.")


class DossierDocumentUnavailable(DomainError):
    code, http_status = "dossier_document_unavailable", 409
    message = _("The PDF of {number} could not be produced, so the dossier cannot verify it. Try again later.")


# --- scorecards: draft, appeals, publication (docs/scorecards.md) ---------------------------------------------
class PeriodPublished(DomainError):
    code, http_status = "period_published", 409
    message = _("The scorecards of {period} are published and frozen: they can no longer be recomputed or appealed.")


class PeriodNotDrafted(DomainError):
    code, http_status = "period_not_drafted", 409
    message = _("The scorecards of {period} have not been computed yet: compute the draft first.")


class AppealWindowOpen(DomainError):
    code, http_status = "appeal_window_open", 409
    message = _("Appeals against {period} are open until {closes_at}: publish after they close.")


class AppealWindowClosed(DomainError):
    code, http_status = "appeal_window_closed", 409
    message = _("Appeals against {period} closed at {closes_at}.")


class AppealsPending(DomainError):
    code, http_status = "appeals_pending", 409
    message = _("{count} appeal(s) against {period} still await a decision: decide them before publishing.")


class TicketNotCharged(DomainError):
    code, http_status = "ticket_not_charged", 409
    message = _("Ticket {ticket} is not charged to {department} in the scorecards of {period}.")


class AppealAlreadyLodged(DomainError):
    code, http_status = "appeal_already_lodged", 409
    message = _("{department} has already appealed ticket {ticket} for {period}; an appeal is decided once.")


class AppealNotPending(DomainError):
    code, http_status = "appeal_not_pending", 409
    message = _("This appeal was already decided ({status}).")


class TopicMoveRefused(DomainError):
    code, http_status, message = "topic_move_refused", 409, _("A topic that is {current} cannot become {target}.")


class TopicNotWorking(DomainError):
    code, http_status = "topic_not_working", 409
    message = _("The topic is {status}: it takes progress reports only while it is being worked on.")


class TopicLeadMissing(DomainError):
    code, http_status, message = "topic_lead_missing", 400, _("An approved topic needs a lead department.")


class TopicDeadlinePast(DomainError):
    code, http_status, message = "topic_deadline_past", 400, _("The deadline {deadline} is already past.")


class TopicLeadAlsoCoHandler(DomainError):
    code, http_status, message = "topic_lead_co_handler", 400, _("The lead department cannot also be a co-handler.")


class AlertMoveRefused(DomainError):
    code, http_status, message = "alert_move_refused", 409, _("A surge alert that is {current} cannot become {target}.")


class ActionTextRequired(DomainError):
    code, http_status, message = "action_text_required", 400, _("Say what action was taken.")


class BulletinAlreadyIssued(DomainError):
    code, http_status, message = "bulletin_already_issued", 409, _("This alert's risk bulletin was already issued.")


class MuteUntilPast(DomainError):
    code, http_status, message = "mute_until_past", 400, _("A mute must last until today or a later day.")
