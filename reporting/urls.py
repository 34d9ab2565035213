from django.urls import path

from reporting.views import conversions, dashboards, directory, exports, payables

# Under /o/<org_slug>/
urlpatterns = [
    path("", dashboards.WorkflowDashboardView.as_view(), name="org-home"),
    path("campaigns/", directory.CampaignListView.as_view(), name="campaigns"),
    path("creators/<int:creator_id>/", directory.CreatorPageView.as_view(), name="creator"),
    path("conversions/", conversions.ConversionsView.as_view(), name="conversions"),
    path(
        "campaigns/<int:campaign_id>/performance/",
        dashboards.CampaignPerformanceView.as_view(),
        name="campaign-performance",
    ),
    path("exports/", exports.ExportsView.as_view(), name="exports"),
    path("exports/<int:export_id>/", exports.ExportView.as_view(), name="export"),
    path("payables/", payables.PayablesView.as_view(), name="payables"),
    path("payables/csv/", payables.PayablesCsvView.as_view(), name="payables-csv"),
]
