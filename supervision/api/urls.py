from django.urls import path

from supervision.api import cockpit, scorecards, views

app_name = "supervision-api"
urlpatterns = [
    path("cockpit/", cockpit.CockpitFigures.as_view(), name="cockpit"),
    path("cockpit/heat-map/", cockpit.CockpitHeatMap.as_view(), name="cockpit-heat-map"),
    path("cockpit/network/", cockpit.CockpitNetwork.as_view(), name="cockpit-network"),
    path("cases/", views.CaseList.as_view(), name="cases"),
    path("cases/<int:case_id>/", views.CaseDetail.as_view(), name="case"),
    path("cases/<int:case_id>/raise/", views.CaseRaise.as_view(), name="case-raise"),
    path("cases/<int:case_id>/close/", views.CaseClose.as_view(), name="case-close"),
    path("cases/<int:case_id>/press/", views.CasePress.as_view(), name="case-press"),
    path("cases/<int:case_id>/answers/", views.CaseAnswerCreate.as_view(), name="case-answer"),
    path("cases/<int:case_id>/letters/", views.CaseLetterIssue.as_view(), name="case-letter"),
    path("problems/", views.ProblemList.as_view(), name="problems"),
    path("problems/<int:problem_id>/", views.ProblemDetail.as_view(), name="problem"),
    path("answers/<int:answer_id>/decide/", views.ExtensionDecide.as_view(), name="extension-decide"),
    path("letters/", views.LetterList.as_view(), name="letters"),
    path("letters/<int:letter_id>/", views.LetterDetail.as_view(), name="letter"),
    path("letters/<int:letter_id>/pdf/", views.LetterPdf.as_view(), name="letter-pdf"),
    path("letters/<int:letter_id>/answer/", views.LetterAnswer.as_view(), name="letter-answer"),
    path("drafts/", views.DraftList.as_view(), name="drafts"),
    path("drafts/<int:draft_id>/preview/", views.DraftPreview.as_view(), name="draft-preview"),
    path("drafts/<int:draft_id>/issue/", views.DraftIssue.as_view(), name="draft-issue"),
    path("drafts/<int:draft_id>/withdraw/", views.DraftWithdraw.as_view(), name="draft-withdraw"),
    path("scorecards/", scorecards.ScorecardList.as_view(), name="scorecards"),
    path("scorecards/compute/", scorecards.ScorecardCompute.as_view(), name="scorecards-compute"),
    path("scorecards/<int:scorecard_id>/tickets/", scorecards.ScorecardTickets.as_view(), name="scorecard-tickets"),
    path("scorecards/<int:scorecard_id>/appeals/", scorecards.ScorecardAppeal.as_view(), name="scorecard-appeal"),
    path("score-periods/", scorecards.ScorePeriodList.as_view(), name="score-periods"),
    path("score-periods/<int:period_id>/", scorecards.ScorePeriodDetail.as_view(), name="score-period"),
    path(
        "score-periods/<int:period_id>/publish/", scorecards.ScorePeriodPublish.as_view(), name="score-period-publish"
    ),
    path(
        "score-periods/<int:period_id>/bulletin/",
        scorecards.ScorePeriodBulletin.as_view(),
        name="score-period-bulletin",
    ),
    path(
        "score-periods/<int:period_id>/appeals/", scorecards.ScorePeriodAppeals.as_view(), name="score-period-appeals"
    ),
    path("appeals/<int:appeal_id>/decide/", scorecards.AppealDecide.as_view(), name="appeal-decide"),
    path("appeals/<int:appeal_id>/attachment/", scorecards.AppealAttachment.as_view(), name="appeal-attachment"),
    path("sweep/", views.SweepRun.as_view(), name="sweep"),
    path("referrals/", views.ReferralList.as_view(), name="referrals"),
    path("referrals/progress/", views.ReferralProgress.as_view(), name="referral-progress"),
    path("referrals/<int:referral_id>/", views.ReferralDetail.as_view(), name="referral"),
    path("referrals/<int:referral_id>/send/", views.ReferralSend.as_view(), name="referral-send"),
    path("referrals/<int:referral_id>/dismiss/", views.ReferralDismiss.as_view(), name="referral-dismiss"),
    path("referrals/<int:referral_id>/record/", views.ReferralRecord.as_view(), name="referral-record"),
    path("referrals/<int:referral_id>/dossier/", views.ReferralDossier.as_view(), name="referral-dossier"),
]
