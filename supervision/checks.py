"""Start-up checks of supervision's settings: a value that names nothing stops start-up instead of being ignored."""

from django.conf import settings
from django.core.checks import Error

from supervision.choices import ReferralTrigger


def referral_rules_check(app_configs, **kwargs) -> list[Error]:
    """MINGZE_REFERRAL_RULES_SKIPPING_KEY must name referral rules (a typo would silently make a rule wait)."""
    unknown = sorted(set(settings.MINGZE_REFERRAL_RULES_SKIPPING_KEY) - set(ReferralTrigger.values))
    if not unknown:
        return []
    return [
        Error(
            f"MINGZE_REFERRAL_RULES_SKIPPING_KEY names unknown referral rules: {', '.join(unknown)}",
            hint=f"Use codes among: {', '.join(ReferralTrigger.values)}.",
            id="supervision.E001",
        )
    ]
