from django.urls import path

from legal import views

app_name = "legal"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("send/", views.send, name="send"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/assign/", views.case_assign, name="case-assign"),
    path("cases/<int:pk>/declare/", views.case_declare, name="case-declare"),
    path("cases/<int:pk>/advice/", views.advice_create, name="advice-create"),
    path("cases/<int:pk>/handoff/", views.handoff_issue, name="handoff-issue"),
    path("cases/<int:pk>/close/", views.case_close, name="case-close"),
    path("advice/<int:pk>/revise/", views.advice_revise, name="advice-revise"),
    path("handoffs/<int:pk>/receipt/", views.handoff_receipt, name="handoff-receipt"),
    path("handoffs/<int:pk>/outcome/", views.handoff_outcome, name="handoff-outcome"),
    path("handoffs/<int:pk>/pdf/", views.handoff_pdf, name="handoff-pdf"),
    path("leads/", views.lead_list, name="leads"),
    path("leads/screen/", views.lead_screen, name="lead-screen"),
    path("leads/<int:pk>/", views.lead_detail, name="lead"),
    path("leads/<int:pk>/edit/", views.lead_edit, name="lead-edit"),
    path("leads/<int:pk>/accept/", views.lead_decide, {"decision": "accept"}, name="lead-accept"),
    path("leads/<int:pk>/dismiss/", views.lead_decide, {"decision": "dismiss"}, name="lead-dismiss"),
    path("leads/<int:pk>/handoff/", views.lead_handoff, name="lead-handoff"),
    path("leads/<int:pk>/receipt/", views.lead_receipt, name="lead-receipt"),
    path("leads/<int:pk>/feedback/", views.lead_feedback, name="lead-feedback"),
    path("leads/<int:pk>/pdf/", views.lead_pdf, name="lead-pdf"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger.csv", views.ledger_csv, name="ledger-csv"),
]
