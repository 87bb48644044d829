"""The legal desk's reasons with a variable part, registered so that they are shown translated (arbitration.reasons).

Imported by the app's `ready()`: every process can read them back. Fixed reasons are marked where they are written.
"""

from django.utils.translation import gettext_noop

from arbitration.reasons import reason_template
from legal.choices import FeedbackKind

HANDED_OFF = reason_template(gettext_noop("handed off to {body}"))
FEEDBACK_RECORDED = reason_template(gettext_noop("feedback: {kind}"), kind=FeedbackKind)
SCREENING_PROPOSED = reason_template(gettext_noop("proposed by screening run {run}"))
BOUNCED_TO_DESK = reason_template(gettext_noop("bounced as involving litigation or arbitration: {explanation}"))
