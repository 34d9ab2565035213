from django.urls import path

from api import pages

# Under /o/<org_slug>/
urlpatterns = [
    path("settings/api-keys/", pages.ApiKeysView.as_view(), name="api-keys"),
    path(
        "settings/api-keys/<int:key_id>/revoke/",
        pages.ApiKeyRevokeView.as_view(),
        name="api-key-revoke",
    ),
]
