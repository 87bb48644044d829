from .api_keys import ApiKey, ApiKeyScope
from .audit import AuditChainHead, AuditSeal, AuditVerification, GrantEvent
from .bounces import Bounce, BounceReason
from .calendar import CalendarDay, CalendarYear, TimeLimitTier
from .city import Department, Duty, Matter, Territory
from .conferences import (
    AgendaItem,
    ConferenceSession,
    Seat,
    SessionGroupObjectPermission,
    SessionUserObjectPermission,
    Vote,
)
from .disputes import Dispute, DisputeStatement, DisputeTransition
from .documents import DocumentRegistration, DocumentSequence, IssuedDocument
from .graph import GraphVersion
from .notices import Notice
from .reform import (
    CatalogueProposal,
    ProposalChange,
    ProposalTransition,
    Reorganisation,
    ReorganisationMove,
    ReorganisationTransition,
)
from .rulings import Agreement, DecisionRefusal, LeaderDecision, Ruling
from .spread import SpreadPartition, SpreadRun
from .tickets import Assignment, Ticket, TicketEvent
from .transitions import StatusTransition
from .users import DepartmentMembership, User

__all__ = [
    "AgendaItem",
    "Agreement",
    "ApiKey",
    "ApiKeyScope",
    "Assignment",
    "AuditChainHead",
    "AuditSeal",
    "AuditVerification",
    "Bounce",
    "BounceReason",
    "CalendarDay",
    "CalendarYear",
    "CatalogueProposal",
    "ConferenceSession",
    "DecisionRefusal",
    "Department",
    "DepartmentMembership",
    "Dispute",
    "DisputeStatement",
    "DisputeTransition",
    "DocumentRegistration",
    "DocumentSequence",
    "Duty",
    "GrantEvent",
    "GraphVersion",
    "IssuedDocument",
    "LeaderDecision",
    "Matter",
    "Notice",
    "ProposalChange",
    "ProposalTransition",
    "Reorganisation",
    "ReorganisationMove",
    "ReorganisationTransition",
    "Ruling",
    "Seat",
    "SessionGroupObjectPermission",
    "SessionUserObjectPermission",
    "SpreadPartition",
    "SpreadRun",
    "StatusTransition",
    "Territory",
    "Ticket",
    "TicketEvent",
    "TimeLimitTier",
    "User",
    "Vote",
]
