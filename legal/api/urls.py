from django.urls import path

from legal.api import views

app_name = "legal-api"
urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<int:pk>/assign/", views.CaseAssignView.as_view(), name="case-assign"),
    path("cases/<int:pk>/declaration/", views.CaseDeclarationView.as_view(), name="case-declaration"),
    path("cases/<int:pk>/advice/", views.CaseAdviceView.as_view(), name="case-advice"),
    path("cases/<int:pk>/reads/", views.CaseReadsView.as_view(), name="case-reads"),
    path("cases/<int:pk>/handoffs/", views.CaseHandoffView.as_view(), name="case-handoff"),
    path("cases/<int:pk>/close/", views.CaseCloseView.as_view(), name="case-close"),
    path("advice/<int:pk>/", views.AdviceDetailView.as_view(), name="advice-detail"),
    path("advice/<int:pk>/versions/", views.AdviceVersionsView.as_view(), name="advice-versions"),
    path("handoffs/<int:pk>/receipt/", views.HandoffReceiptView.as_view(), name="handoff-receipt"),
    path("handoffs/<int:pk>/outcome/", views.HandoffOutcomeView.as_view(), name="handoff-outcome"),
    path("handoffs/<int:pk>/pdf/", views.HandoffPdfView.as_view(), name="handoff-pdf"),
    path("bodies/", views.BodyListView.as_view(), name="body-list"),
    path("domains/", views.DomainListView.as_view(), name="domain-list"),
    path("screenings/", views.ScreeningView.as_view(), name="screening"),
    path("leads/", views.LeadListView.as_view(), name="lead-list"),
    path("leads/<int:pk>/", views.LeadDetailView.as_view(), name="lead-detail"),
    path("leads/<int:pk>/accept/", views.LeadAcceptView.as_view(), name="lead-accept"),
    path("leads/<int:pk>/dismiss/", views.LeadDismissView.as_view(), name="lead-dismiss"),
    path("leads/<int:pk>/handoff/", views.LeadHandoffView.as_view(), name="lead-handoff"),
    path("leads/<int:pk>/receipt/", views.LeadReceiptView.as_view(), name="lead-receipt"),
    path("leads/<int:pk>/feedback/", views.LeadFeedbackView.as_view(), name="lead-feedback"),
    path("leads/<int:pk>/pdf/", views.LeadPdfView.as_view(), name="lead-pdf"),
    path("ledger/", views.LedgerView.as_view(), name="ledger"),
]
