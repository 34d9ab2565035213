from django.urls import path

from campaigns.views import (
    campaign_creators,
    campaigns,
    creators,
    links,
    links_csv,
    products,
    tracking_plans,
)

# Under /o/<org_slug>/
urlpatterns = [
    path("tracking-plans/", tracking_plans.TrackingPlansView.as_view(), name="tracking-plans"),
    path(
        "tracking-plans/new/",
        tracking_plans.TrackingPlanCreateView.as_view(),
        name="tracking-plan-create",
    ),
    path(
        "tracking-plans/<int:plan_id>/",
        tracking_plans.TrackingPlanView.as_view(),
        name="tracking-plan",
    ),
    # the campaign list ("campaigns") and a creator's page ("creator") are served with their
    # period figures by reporting.urls (reporting.views.directory)
    path("campaigns/new/", campaigns.CampaignCreateView.as_view(), name="campaign-create"),
    path("campaigns/<int:campaign_id>/", campaigns.CampaignView.as_view(), name="campaign"),
    path(
        "campaigns/<int:campaign_id>/edit/",
        campaigns.CampaignEditView.as_view(),
        name="campaign-edit",
    ),
    path(
        "campaigns/<int:campaign_id>/products/",
        products.CampaignProductsView.as_view(),
        name="campaign-products",
    ),
    path(
        "campaigns/<int:campaign_id>/products/<int:product_id>/remove/",
        products.ProductRemoveView.as_view(),
        name="campaign-product-remove",
    ),
    path(
        "campaigns/<int:campaign_id>/products/lookup/",
        products.ProductLookupView.as_view(),
        name="campaign-product-lookup",
    ),
    path(
        "campaigns/<int:campaign_id>/creators/",
        campaign_creators.CampaignCreatorsView.as_view(),
        name="campaign-creators",
    ),
    path(
        "campaigns/<int:campaign_id>/creators/<int:campaign_creator_id>/",
        campaign_creators.CampaignCreatorView.as_view(),
        name="campaign-creator",
    ),
    path(
        "campaigns/<int:campaign_id>/links/",
        links.CampaignLinksView.as_view(),
        name="campaign-links",
    ),
    path(
        "campaigns/<int:campaign_id>/links.csv",
        links_csv.CampaignLinksCsvView.as_view(),
        name="campaign-links-csv",
    ),
    path(
        "campaigns/<int:campaign_id>/links/job/",
        links.CampaignLinkJobView.as_view(),
        name="campaign-link-job",
    ),
    path(
        "campaigns/<int:campaign_id>/links/check/",
        links.CampaignLinkCheckView.as_view(),
        name="campaign-link-check",
    ),
    path("links/<int:link_id>/", links.LinkView.as_view(), name="link"),
    path("links/<int:link_id>/qr.<str:fmt>", links.LinkQRView.as_view(), name="link-qr"),
    # Creators (the tenant's profiles) and their portal invitations
    path("creators/", creators.CreatorsView.as_view(), name="creators"),
    path("creators/import/", creators.CreatorsImportView.as_view(), name="creators-import"),
    path(
        "creators/<int:creator_id>/links.csv",
        links_csv.CreatorLinksCsvView.as_view(),
        name="creator-links-csv",
    ),
    path(
        "campaigns/<int:campaign_id>/creators/<int:campaign_creator_id>/portal-invite/",
        creators.CampaignCreatorPortalInviteView.as_view(),
        name="campaign-creator-portal-invite",
    ),
]
