from django.urls import path

from attribution import views

# Under /o/<org_slug>/
urlpatterns = [
    path("settings/amazon/", views.AmazonSettingsView.as_view(), name="amazon-settings"),
    path("settings/amazon/connect/", views.AmazonConnectView.as_view(), name="amazon-connect"),
    path(
        "settings/amazon/<int:connection_id>/profiles/",
        views.AmazonProfilesView.as_view(),
        name="amazon-profiles",
    ),
    path(
        "settings/amazon/<int:connection_id>/disconnect/",
        views.AmazonDisconnectView.as_view(),
        name="amazon-disconnect",
    ),
    path("sync/", views.SyncStatusView.as_view(), name="sync-status"),
    path("sync/<int:store_id>/now/", views.SyncNowView.as_view(), name="sync-now"),
    path("sync/runs/<int:run_id>/apply/", views.HeldRunApplyView.as_view(), name="sync-apply-held"),
]
