from django.urls import path

from audit import views

# Under /o/<org_slug>/
urlpatterns = [
    path("activity/", views.ActivityView.as_view(), name="activity"),
    path("activity/csv/", views.ActivityCsvView.as_view(), name="activity-csv"),
]
