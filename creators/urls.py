from django.urls import path

from creators import views

# Under /o/<org_slug>/
urlpatterns = [
    path("creators/", views.CreatorsView.as_view(), name="creators"),
    path("creators/import/", views.CreatorsImportView.as_view(), name="creators-import"),
    path("creators/<int:creator_id>/", views.CreatorView.as_view(), name="creator"),
    path(
        "campaigns/<int:campaign_id>/creators/<int:campaign_creator_id>/portal-invite/",
        views.CampaignCreatorPortalInviteView.as_view(),
        name="campaign-creator-portal-invite",
    ),
]
