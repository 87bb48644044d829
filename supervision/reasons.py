"""Supervision's reasons with a variable part, registered so that they are shown translated (arbitration.reasons).

Imported by the app's `ready()`: every process can read them back. Fixed reasons are marked where they are written.
"""

from django.utils.translation import gettext_noop

from arbitration.reasons import reason_template
from supervision.choices import AlertStatus, AppealStatus, PeriodKind

ALERT_MOVED = reason_template(gettext_noop("surge alert {status}"), status=AlertStatus)
RISK_BULLETIN_ISSUED = reason_template(gettext_noop("risk bulletin {number}"))
SCORE_BULLETIN_ISSUED = reason_template(gettext_noop("bulletin {number}"))
LETTER_ISSUED = reason_template(gettext_noop("issued {number}"))
PROBLEM_MERGED = reason_template(gettext_noop("merged into problem {number}"))
REPORT_ISSUED = reason_template(gettext_noop("report {number}"))
APPEAL_DECIDED = reason_template(gettext_noop("appeal {status}"), status=AppealStatus)
SCORECARDS_COMPUTED = reason_template(gettext_noop("scorecards {kind} {start}"), kind=PeriodKind)
CLOSING_REPORT_ISSUED = reason_template(gettext_noop("closing report {number}"))

# Written by migrations, still in stored rows: listed so that makemessages keeps their translations.
MIGRATION_REASONS = (
    gettext_noop("default text"),
    gettext_noop("migration 0004: repeated-request case linked to its problem"),
)
