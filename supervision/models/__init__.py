from .alerts import SeriesMute, SurgeAlert, SurgeAlertTransition, SurgeBulletin, series_key
from .appeals import ScoreAppeal, ScoreAppealTransition
from .cases import CaseAnswer, CaseEvent, LadderRule, Reminder, SupervisionCase
from .letters import LetterDraft, LetterTemplate, SupervisionLetter
from .problems import Problem, ProblemTicket
from .referrals import DisciplineReferral, ReferralEvent, ReferralGroupObjectPermission, ReferralUserObjectPermission
from .reports import DailyReport, MonthlyReport
from .rollups import (
    CatalogueHealth,
    DailyDepartmentVolume,
    DailyDistrictVolume,
    DailyFriction,
    DailyPlaceVolume,
    DailyVolume,
    FrictionKind,
)
from .scorecards import ScoreBulletin, Scorecard, ScoreEntry, ScorePeriod, ScorePeriodTransition
from .topics import (
    Topic,
    TopicClosingReport,
    TopicGroupObjectPermission,
    TopicReport,
    TopicTicket,
    TopicTransition,
    TopicUserObjectPermission,
)

__all__ = [
    "CaseAnswer",
    "CaseEvent",
    "CatalogueHealth",
    "DailyDepartmentVolume",
    "DailyDistrictVolume",
    "DailyFriction",
    "DailyPlaceVolume",
    "DailyReport",
    "DailyVolume",
    "DisciplineReferral",
    "FrictionKind",
    "LadderRule",
    "LetterDraft",
    "LetterTemplate",
    "MonthlyReport",
    "Problem",
    "ProblemTicket",
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
    "SeriesMute",
    "SupervisionCase",
    "SupervisionLetter",
    "SurgeAlert",
    "SurgeAlertTransition",
    "SurgeBulletin",
    "Topic",
    "TopicClosingReport",
    "TopicGroupObjectPermission",
    "TopicReport",
    "TopicTicket",
    "TopicTransition",
    "TopicUserObjectPermission",
    "series_key",
]
