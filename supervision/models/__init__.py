from .appeals import ScoreAppeal, ScoreAppealTransition
from .cases import CaseAnswer, CaseEvent, LadderRule, Reminder, SupervisionCase
from .letters import LetterDraft, SupervisionLetter
from .referrals import DisciplineReferral, ReferralEvent, ReferralGroupObjectPermission, ReferralUserObjectPermission
from .scorecards import ScoreBulletin, Scorecard, ScoreEntry, ScorePeriod, ScorePeriodTransition

__all__ = [
    "CaseAnswer",
    "CaseEvent",
    "DisciplineReferral",
    "LadderRule",
    "LetterDraft",
    "ReferralEvent",
    "ReferralGroupObjectPermission",
    "ReferralUserObjectPermission",
    "Reminder",
    "ScoreAppeal",
    "ScoreAppealTransition",
    "ScoreBulletin",
    "ScoreEntry",
    "ScorePeriod",
    "ScorePeriodTransition",
    "Scorecard",
    "SupervisionCase",
    "SupervisionLetter",
]
