"""What waits for each login the README lists, in the seeded demo: one query per role (tests/test_demo_story.py)."""

from arbitration import access
from arbitration.choices import AgendaItemStatus, BounceOutcome, ProposalStatus
from arbitration.models import Bounce, CatalogueProposal, User
from arbitration.selectors_conference import leader_queue, member_items
from arbitration.services.conferences import recused_department_ids
from legal.choices import CaseStatus, LeadStatus
from legal.models import LegalCase, PublicInterestLead
from supervision.choices import PeriodStatus, ReferralStatus
from supervision.models import DisciplineReferral, ScorePeriod


def member_can_vote(user: User) -> bool:
    for item in member_items(user).filter(status=AgendaItemStatus.OPEN):
        seat = item.session.seats.filter(member=user).first()
        if seat and seat.department_id not in recused_department_ids(item.dispute_id):
            return True
    return False


WAITING = {
    "dispatcher": lambda user: Bounce.objects.filter(outcome=BounceOutcome.PENDING).exists(),
    "liaison_cgj": lambda user: access.tickets_visible_to(user).filter(closed_at__isnull=True).exists(),
    "member_cgj": member_can_vote,
    "supervisor": lambda user: (
        ScorePeriod.objects.filter(status=PeriodStatus.DRAFT).exists()
        and DisciplineReferral.objects.filter(status=ReferralStatus.PROPOSED).exists()
    ),
    "lawyer1": lambda user: LegalCase.objects.filter(lawyer=user, status=CaseStatus.ASSIGNED).exists(),
    "legal_lead": lambda user: LegalCase.objects.filter(status=CaseStatus.OPEN).exists(),
    "discipline": lambda user: DisciplineReferral.objects.exclude(status=ReferralStatus.PROPOSED).exists(),
    "procurator": lambda user: PublicInterestLead.objects.filter(status=LeadStatus.HANDED_OFF).exists(),
    "leader": lambda user: leader_queue().exists(),
    "admin": lambda user: CatalogueProposal.objects.filter(status=ProposalStatus.PROPOSED).exists(),
}
