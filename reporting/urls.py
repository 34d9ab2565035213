from django.urls import path

from reporting.views import (
    campaign_terms,
    conversions,
    dashboards,
    directory,
    exports,
    payables,
    payouts,
)

# Under /o/<org_slug>/
urlpatterns = [
    path("", dashboards.WorkflowDashboardView.as_view(), name="org-home"),
    path("campaigns/", directory.CampaignListView.as_view(), name="campaigns"),
    path("creators/<int:creator_id>/", directory.CreatorPageView.as_view(), name="creator"),
    path("conversions/", conversions.ConversionsView.as_view(), name="conversions"),
    path(
        "conversions/selection/",
        conversions.ConversionSelectionView.as_view(),
        name="conversions-selection",
    ),
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
    path("payouts/", payouts.PayoutRunsView.as_view(), name="payouts"),
    path("payouts/minimums/", payouts.PayoutMinimumsView.as_view(), name="payout-minimums"),
    path("payouts/<int:run_id>/", payouts.PayoutRunView.as_view(), name="payout-run"),
    path(
        "payouts/<int:run_id>/<str:kind>.csv",
        payouts.PayoutFileView.as_view(),
        name="payout-run-file",
    ),
]
