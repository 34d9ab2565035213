from django.urls import path

from reporting.views import conversions, dashboards

# Under /o/<org_slug>/
urlpatterns = [
    path("", dashboards.WorkflowDashboardView.as_view(), name="org-home"),
    path("conversions/", conversions.ConversionsView.as_view(), name="conversions"),
    path(
        "campaigns/<int:campaign_id>/performance/",
        dashboards.CampaignPerformanceView.as_view(),
        name="campaign-performance",
    ),
]
