from .cases import (
    Advice,
    CaseRead,
    ConflictDeclaration,
    LegalCase,
    LegalCaseGroupObjectPermission,
    LegalCaseTransition,
    LegalCaseUserObjectPermission,
)
from .handoffs import Handoff, HandoffBody, ProcuratorateReferral
from .leads import (
    LeadFeedback,
    LeadTransition,
    PublicInterestDomain,
    PublicInterestLead,
    PublicInterestLeadGroupObjectPermission,
    PublicInterestLeadUserObjectPermission,
    ScreeningRun,
)

__all__ = [
    "Advice",
    "CaseRead",
    "ConflictDeclaration",
    "Handoff",
    "HandoffBody",
    "LeadFeedback",
    "LeadTransition",
    "LegalCase",
    "LegalCaseGroupObjectPermission",
    "LegalCaseTransition",
    "LegalCaseUserObjectPermission",
    "ProcuratorateReferral",
    "PublicInterestDomain",
    "PublicInterestLead",
    "PublicInterestLeadGroupObjectPermission",
    "PublicInterestLeadUserObjectPermission",
    "ScreeningRun",
]
