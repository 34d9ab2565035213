from django.urls import path

from reporting import views

# Under /o/<org_slug>/
urlpatterns = [
    path("conversions/", views.ConversionsView.as_view(), name="conversions"),
]
