from django.urls import path

app_name = "api"
urlpatterns: list = []


# --- Tickets: intake from the hotline platform and reading them back ---------------------------------------
from arbitration.api import platform_events as platform_event_api  # noqa: E402
from arbitration.api import tickets as ticket_api  # noqa: E402

urlpatterns += [
    path("tickets/", ticket_api.TicketCollection.as_view(), name="tickets"),
    # Before the hotline-number route, which would otherwise take "export" for a ticket number.
    path("tickets/export/", ticket_api.TicketExport.as_view(), name="tickets-export"),
    path("tickets/<str:hotline_no>/", ticket_api.TicketDetail.as_view(), name="ticket"),
    path("tickets/<str:hotline_no>/history/", ticket_api.TicketHistory.as_view(), name="ticket-history"),
    path("tickets/<str:hotline_no>/events/", platform_event_api.TicketEvents.as_view(), name="ticket-events"),
]


# --- Bounces, disputes, conference, rulings ---------------------------------------------------------------
from arbitration.api import bounces as bounce_api  # noqa: E402
from arbitration.api import conferences as conference_api  # noqa: E402
from arbitration.api import disputes as dispute_api  # noqa: E402
from arbitration.api import rulings as ruling_api  # noqa: E402

urlpatterns += [
    path("bounce-reasons/", bounce_api.BounceReasonList.as_view(), name="bounce-reasons"),
    path("bounces/", bounce_api.BounceList.as_view(), name="bounces"),
    path("assignments/<int:assignment_id>/bounce/", bounce_api.AssignmentBounce.as_view(), name="assignment-bounce"),
    path("bounces/<int:bounce_id>/uphold/", bounce_api.BounceUphold.as_view(), name="bounce-uphold"),
    path("bounces/<int:bounce_id>/reject/", bounce_api.BounceReject.as_view(), name="bounce-reject"),
    path("disputes/", dispute_api.DisputeList.as_view(), name="disputes"),
    path("disputes/<int:dispute_id>/", dispute_api.DisputeDetail.as_view(), name="dispute"),
    path(
        "disputes/<int:dispute_id>/statements/", dispute_api.DisputeStatementCreate.as_view(), name="dispute-statements"
    ),
    path("disputes/<int:dispute_id>/agreement/", dispute_api.DisputeAgreement.as_view(), name="dispute-agreement"),
    path("disputes/<int:dispute_id>/agenda/", dispute_api.DisputeAgenda.as_view(), name="dispute-agenda"),
    path(
        "disputes/<int:dispute_id>/leader-decision/",
        dispute_api.DisputeLeaderDecision.as_view(),
        name="dispute-leader-decision",
    ),
    path("conference/sessions/", conference_api.SessionList.as_view(), name="conference-sessions"),
    path("conference/sessions/<int:session_id>/", conference_api.SessionDetail.as_view(), name="conference-session"),
    path("conference/sessions/<int:session_id>/seats/", conference_api.SessionSeats.as_view(), name="conference-seats"),
    path("conference/items/<int:item_id>/vote/", conference_api.ItemVote.as_view(), name="conference-vote"),
    path("conference/items/<int:item_id>/tally/", conference_api.ItemTally.as_view(), name="conference-tally"),
    path("conference/items/<int:item_id>/close/", conference_api.ItemClose.as_view(), name="conference-close"),
    path("rulings/", ruling_api.RulingList.as_view(), name="rulings"),
    path("rulings/<int:pk>/", ruling_api.RulingDetail.as_view(), name="ruling"),
    path("rulings/<int:pk>/pdf/", ruling_api.RulingPdf.as_view(), name="ruling-pdf"),
    path("rulings/<int:pk>/refusal/", ruling_api.RulingRefusal.as_view(), name="ruling-refusal"),
    path("leader-decisions/", ruling_api.LeaderDecisionList.as_view(), name="leader-decisions"),
    path("leader-decisions/<int:pk>/", ruling_api.LeaderDecisionDetail.as_view(), name="leader-decision"),
    path("leader-decisions/<int:pk>/pdf/", ruling_api.LeaderDecisionPdf.as_view(), name="leader-decision-pdf"),
    path(
        "leader-decisions/<int:pk>/refusal/", ruling_api.LeaderDecisionRefusal.as_view(), name="leader-decision-refusal"
    ),
    path("agreements/", ruling_api.AgreementList.as_view(), name="agreements"),
    path("agreements/<int:pk>/", ruling_api.AgreementDetail.as_view(), name="agreement"),
    path("agreements/<int:pk>/pdf/", ruling_api.AgreementPdf.as_view(), name="agreement-pdf"),
]


# --- Notices to departments (a ruling moved one of their tickets, …) ------------------------------------------------
from arbitration.api import notices as notice_api  # noqa: E402

urlpatterns += [
    path("notices/", notice_api.NoticeList.as_view(), name="notices"),
    path("notices/<int:pk>/read/", notice_api.NoticeRead.as_view(), name="notice-read"),
]


# --- The jurisdiction graph: suggestion, dispatch, catalogue analysis -----------------------------------------
from arbitration.api import graph as graph_api  # noqa: E402

urlpatterns += [
    path("tickets/<str:hotline_no>/suggestion/", graph_api.TicketSuggestion.as_view(), name="ticket-suggestion"),
    path("tickets/<str:hotline_no>/dispatch/", graph_api.TicketDispatch.as_view(), name="ticket-dispatch"),
    path(
        "tickets/<str:hotline_no>/second-dispatch/",
        graph_api.TicketSecondDispatch.as_view(),
        name="ticket-second-dispatch",
    ),
    path("catalogue/gaps/", graph_api.CatalogueGaps.as_view(), name="catalogue-gaps"),
    path("catalogue/overlaps/", graph_api.CatalogueOverlaps.as_view(), name="catalogue-overlaps"),
    path("catalogue/hotspots/", graph_api.DisputeHotspots.as_view(), name="catalogue-hotspots"),
]


# --- The audit trail's seals (docs/audit.md) -------------------------------------------------------------
from arbitration.api import audit as audit_api  # noqa: E402

urlpatterns += [
    path("audit/seals/", audit_api.AuditSealList.as_view(), name="audit-seals"),
    path("audit/seals/export/", audit_api.AuditSealExport.as_view(), name="audit-seals-export"),
]


# --- The public register of issued documents (no login) -----------------------------------------------------
from arbitration.api import verify as verify_api  # noqa: E402

urlpatterns += [
    path("verify/<str:code>/", verify_api.VerifyDetail.as_view(), name="verify"),
]


# --- Catalogue reform and reorganisation (docs/catalogue-reform.md) -------------------------------------------
from arbitration.api import reform as reform_api  # noqa: E402

urlpatterns += [
    path("catalogue-proposals/", reform_api.ProposalList.as_view(), name="catalogue-proposals"),
    path("catalogue-proposals/from-ruling/", reform_api.ProposalFromRuling.as_view(), name="proposal-from-ruling"),
    path("catalogue-proposals/from-overlap/", reform_api.ProposalFromOverlap.as_view(), name="proposal-from-overlap"),
    path("catalogue-proposals/from-gap/", reform_api.ProposalFromGap.as_view(), name="proposal-from-gap"),
    path("catalogue-proposals/<int:proposal_id>/", reform_api.ProposalDetail.as_view(), name="catalogue-proposal"),
    path(
        "catalogue-proposals/<int:proposal_id>/approve/", reform_api.ProposalApprove.as_view(), name="proposal-approve"
    ),
    path("catalogue-proposals/<int:proposal_id>/reject/", reform_api.ProposalReject.as_view(), name="proposal-reject"),
    path("reorganisations/", reform_api.ReorganisationList.as_view(), name="reorganisations"),
    path(
        "reorganisations/<int:reorganisation_id>/",
        reform_api.ReorganisationDetail.as_view(),
        name="reorganisation",
    ),
    path(
        "reorganisations/<int:reorganisation_id>/<slug:action>/",
        reform_api.ReorganisationAction.as_view(),
        name="reorganisation-action",
    ),
]
