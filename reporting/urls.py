from django.urls import path

from reporting.views import campaign_terms, conversions, dashboards, exports, payables

# Under /o/<org_slug>/
urlpatterns = [
    path("", dashboards.WorkflowDashboardView.as_view(), name="org-home"),
    path("conversions/", conversions.ConversionsView.as_view(), name="conversions"),
    path(
        "campaigns/<int:campaign_id>/performance/",
        dashboards.CampaignPerformanceView.as_view(),
        name="campaign-performance",
    ),
    path(
        "campaigns/<int:campaign_id>/terms/",
        campaign_terms.CampaignTermsView.as_view(),
        name="campaign-terms",
    ),
    path(
        "campaigns/<int:campaign_id>/creators/<int:campaign_creator_id>/terms/",
        campaign_terms.CampaignTermsView.as_view(),
        name="campaign-creator-terms",
    ),
    path("exports/", exports.ExportsView.as_view(), name="exports"),
    path("exports/<int:export_id>/", exports.ExportView.as_view(), name="export"),
    path("payables/", payables.PayablesView.as_view(), name="payables"),
    path("payables/csv/", payables.PayablesCsvView.as_view(), name="payables-csv"),
]
