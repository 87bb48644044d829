"""Enumerations of the legal desk. Labels are the words users see (zh-Hans catalogue)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseOrigin(models.TextChoices):
    """How a ticket reached the legal desk (issue 6: the three ways)."""

    LEGAL_MATTER = "legal_matter", _("Legal-type matter at intake")
    DISPATCHER = "dispatcher", _("Sent by a dispatcher")
    BOUNCE = "bounce", _("Bounced as involving litigation or arbitration")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Awaiting a lawyer")
    ASSIGNED = "assigned", _("Assigned to a lawyer")
    ADVISED = "advised", _("Advised")
    HANDED_OFF = "handed_off", _("Handed off")
    CLOSED = "closed", pgettext_lazy("legal case status", "Closed")


class LegalRoute(models.TextChoices):
    """The recommended route of a piece of advice (docs/domain.md §6: tell the citizen the legal route)."""

    MEDIATION = "mediation", _("Mediation")
    ARBITRATION = "arbitration", _("Arbitration")
    LAWSUIT = "lawsuit", _("Lawsuit")
    LEGAL_AID = "legal_aid", _("Legal aid / 12348")
    RECONSIDERATION = "reconsideration", _("Administrative reconsideration")
    DISCLOSURE = "disclosure", _("Information disclosure")
    PETITION = "petition", _("Petition channel")
    POLICE = "police", _("Police")
    DEPARTMENT = "department", _("Handling by a department")


class BodyKind(models.TextChoices):
    COURT = "court", _("Court")
    ARBITRATION_COMMISSION = "arbitration_commission", _("Arbitration commission")
    MEDIATION_CENTRE = "mediation_centre", _("People's mediation centre")
    LEGAL_AID_CENTRE = "legal_aid_centre", _("Legal aid centre")
    POLICE = "police", _("Police")
    JUSTICE_BUREAU = "justice_bureau", _("Justice bureau")
    PETITIONS_BUREAU = "petitions_bureau", _("Petitions bureau")
    OTHER = "other", _("Other body")


class HandoffStatus(models.TextChoices):
    ISSUED = "issued", _("Letter issued")
    RECEIVED = "received", _("Received by the body")
    CONCLUDED = "concluded", _("Outcome recorded")


class DomainTier(models.TextChoices):
    """The "4+11+N" list (docs/domain.md §6)."""

    CORE = "core", _("Original four domains")
    ADDED = "added", _("Added by later laws")
    PROPOSED = "proposed", _("Proposed (draft law)")


class LeadBasis(models.TextChoices):
    MATTER = "matter", _("Statutory-domain matter left unresolved")
    CLUSTER = "cluster", _("Repeated complaints about the same place or party")


class LeadStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by screening")
    ACCEPTED = "accepted", _("Accepted by the desk")
    DISMISSED = "dismissed", _("Dismissed")
    HANDED_OFF = "handed_off", _("Handed to the procuratorate")
    RECEIVED = "received", _("Received by the procuratorate")
    FILED = "filed", _("Filed")
    RECOMMENDATION_ISSUED = "recommendation_issued", _("Procuratorial recommendation issued")
    LAWSUIT = "lawsuit", _("Lawsuit brought")
    DECLINED = "declined", _("Declined")


class FeedbackKind(models.TextChoices):
    FILED = "filed", _("Filed")
    RECOMMENDATION_ISSUED = "recommendation_issued", _("Procuratorial recommendation issued")
    LAWSUIT = "lawsuit", _("Lawsuit brought")
    DECLINED = "declined", _("Declined")


class ScreeningTrigger(models.TextChoices):
    MONTHLY = "monthly", _("Monthly schedule")
    ON_DEMAND = "on_demand", _("On demand")
    COMMAND = "command", _("Management command")


class ReadChannel(models.TextChoices):
    PAGE = "page", _("Page")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
