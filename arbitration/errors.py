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


class UnknownCode(InvalidInput):
    code, message = "unknown_code", _("Unknown {field} code: {value}")


class CalendarYearMissing(DomainError):
    code, http_status = "calendar_year_missing", 409
    message = _("The working calendar has no data for {year}; enter that year's holidays first.")


class IllegalMove(DomainError):
    code, http_status, message = "illegal_move", 409, _("A {thing} that is {current} cannot become {target}.")
