"""Pages of arbitration. The URL names are global (no namespace): `home`, `ticket-list`, `ticket-detail`."""

from django.urls import path

from arbitration.views import exports, home, tickets

urlpatterns = [
    path("", home.home, name="home"),
    path("tickets/", tickets.ticket_list, name="ticket-list"),
    path("tickets/export.csv", tickets.ticket_export, name="ticket-export"),
    path("exports/<slug:name>.csv", exports.list_export, name="list-export"),
    path("tickets/<str:hotline_no>/", tickets.ticket_detail, name="ticket-detail"),
]

# --- Bounces, disputes, conference, rulings ---------------------------------------------------------------
from arbitration.views import bounces, conferences, disputes, rulings  # noqa: E402

urlpatterns += [
    path("bounces/", bounces.bounce_mine, name="bounce-mine"),
    path("bounces/review/", bounces.bounce_review_queue, name="bounce-review"),
    path("bounces/review/<int:bounce_id>/", bounces.bounce_review, name="bounce-review-decide"),
    path("assignments/<int:assignment_id>/bounce/", bounces.bounce_submit, name="bounce-submit"),
    path("disputes/", disputes.dispute_list, name="dispute-list"),
    path("disputes/<int:dispute_id>/", disputes.dispute_detail, name="dispute-detail"),
    path("disputes/<int:dispute_id>/<slug:action>/", disputes.dispute_action, name="dispute-action"),
    path("leader/", disputes.leader_queue, name="leader-queue"),
    path("conference/", conferences.conference_home, name="conference-home"),
    path("conference/sessions/<int:session_id>/", conferences.session_detail, name="conference-session"),
    path("conference/items/<int:item_id>/", conferences.item_detail, name="conference-item"),
    path("conference/items/<int:item_id>/vote/", conferences.item_vote, name="conference-vote"),
    path("conference/items/<int:item_id>/close/", conferences.item_close, name="conference-close"),
    path("rulings/", rulings.decision_list, name="decision-list"),
    path("rulings/<slug:kind>/<int:pk>/", rulings.decision_detail, name="decision-detail"),
    path("rulings/<slug:kind>/<int:pk>/pdf/", rulings.decision_pdf, name="decision-pdf"),
    path("rulings/<slug:kind>/<int:pk>/refuse/", rulings.decision_refuse, name="decision-refuse"),
]

# --- Notices to departments ----------------------------------------------------------------------------------------
from arbitration.views import notices  # noqa: E402

urlpatterns += [
    path("notices/", notices.notice_list, name="notice-list"),
    path("notices/<int:pk>/read/", notices.notice_read, name="notice-read"),
]

# --- The jurisdiction graph: dispatch with the suggestion, catalogue analysis, graph view ---------------------
from arbitration.views import graph as graph_views  # noqa: E402

urlpatterns += [
    path("tickets/<str:hotline_no>/dispatch/", graph_views.ticket_dispatch_view, name="ticket-dispatch"),
    path(
        "tickets/<str:hotline_no>/second-dispatch/",
        graph_views.ticket_dispatch_view,
        {"second": True},
        name="ticket-second-dispatch",
    ),
    path("graph/", graph_views.graph_view, name="graph-view"),
    path("graph/neighbourhood.json", graph_views.graph_neighbourhood, name="graph-neighbourhood"),
    path("graph/<slug:kind>/", graph_views.catalogue_report_view, name="catalogue-report"),
]

# --- Public verification of issued documents (no login; docs/documents.md) --------------------------------------
from arbitration.views import verify  # noqa: E402

urlpatterns += [
    path("verify/<str:code>", verify.verify, name="verify"),
    path("verify/<str:code>/", verify.verify),
]


# --- Catalogue reform and reorganisation (docs/catalogue-reform.md) -------------------------------------------
from arbitration.views import reform as reform_views  # noqa: E402

urlpatterns += [
    path("catalogue/proposals/", reform_views.proposal_list, name="catalogue-proposals"),
    path("catalogue/proposals/draft/<slug:origin>/", reform_views.proposal_draft, name="catalogue-proposal-draft"),
    path("catalogue/proposals/<int:proposal_id>/", reform_views.proposal_detail, name="catalogue-proposal"),
    path(
        "catalogue/proposals/<int:proposal_id>/<slug:action>/",
        reform_views.proposal_decide,
        name="catalogue-proposal-decide",
    ),
    path("catalogue/reorganisations/", reform_views.reorganisation_list, name="reorganisations"),
    path(
        "catalogue/reorganisations/<int:reorganisation_id>/", reform_views.reorganisation_detail, name="reorganisation"
    ),
    path(
        "catalogue/reorganisations/<int:reorganisation_id>/<slug:action>/",
        reform_views.reorganisation_action,
        name="reorganisation-action",
    ),
]
