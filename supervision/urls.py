from django.urls import path

from supervision.views import cockpit, pages, reports, scorecards

app_name = "supervision"
urlpatterns = [
    path("", pages.queue, name="queue"),
    path("cockpit/", cockpit.cockpit_page, name="cockpit"),
    path("reports/", reports.report_register, name="reports"),
    path("reports/<slug:kind>/<int:document_id>/pdf/", reports.report_pdf, name="report_pdf"),
    path("cases/open/", pages.case_open, name="case_open"),
    path("sweep/", pages.sweep_run, name="sweep"),
    path("cases/<int:case_id>/", pages.case_detail, name="case"),
    path("cases/<int:case_id>/<slug:action>/", pages.case_action, name="case_action"),
    path("answers/<int:answer_id>/decide/", pages.extension_decide, name="extension_decide"),
    path("desk/", pages.desk, name="desk"),
    path("letters/", pages.letter_register, name="letters"),
    path("letters/<int:letter_id>/", pages.letter_detail, name="letter"),
    path("letters/<int:letter_id>/pdf/", pages.letter_pdf, name="letter_pdf"),
    path("letters/<int:letter_id>/answer/", pages.letter_answer, name="letter_answer"),
    path("drafts/<int:draft_id>/", pages.draft_detail, name="draft"),
    path("scorecards/", scorecards.scorecard_dashboard, name="scorecards"),
    path("scorecards/<int:scorecard_id>/tickets/", scorecards.scorecard_tickets, name="scorecard_tickets"),
    path("scorecards/<int:scorecard_id>/appeal/", scorecards.scorecard_appeal, name="scorecard_appeal"),
    path("scorecards/periods/<int:period_id>/appeals/", scorecards.period_appeals, name="period_appeals"),
    path("scorecards/periods/<int:period_id>/publish/", scorecards.period_publish, name="period_publish"),
    path("scorecards/periods/<int:period_id>/bulletin/", scorecards.period_bulletin, name="period_bulletin"),
    path("appeals/<int:appeal_id>/decide/", scorecards.appeal_decide, name="appeal_decide"),
    path("appeals/<int:appeal_id>/attachment/", scorecards.appeal_attachment, name="appeal_attachment"),
    path("referrals/", pages.referral_list, name="referrals"),
    path("referrals/new/", pages.referral_create, name="referral_create"),
    path("referrals/<int:referral_id>/", pages.referral_detail, name="referral"),
    path("referrals/<int:referral_id>/dossier/", pages.referral_dossier, name="referral_dossier"),
    path("referrals/<int:referral_id>/<slug:action>/", pages.referral_action, name="referral_action"),
]
