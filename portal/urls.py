from django.urls import path

from portal.views import access, brand, payouts

# Under /portal/
urlpatterns = [
    path("", access.portal_home, name="portal-home"),
    path("signin/<str:token>/", access.portal_signin, name="portal-signin"),
    path("password/", access.portal_password, name="portal-password"),
    path("b/<slug:brand_slug>/", brand.BrandView.as_view(), name="portal-brand"),
    path("b/<slug:brand_slug>/links/<int:link_id>/", brand.LinkView.as_view(), name="portal-link"),
    path(
        "b/<slug:brand_slug>/links/<int:link_id>/qr.<str:fmt>",
        brand.LinkQRView.as_view(),
        name="portal-link-qr",
    ),
    path("b/<slug:brand_slug>/earnings/", brand.EarningsView.as_view(), name="portal-earnings"),
    path(
        "b/<slug:brand_slug>/earnings.csv",
        brand.EarningsCSVView.as_view(),
        name="portal-earnings-csv",
    ),
    path("b/<slug:brand_slug>/payouts/", payouts.PayoutsView.as_view(), name="portal-payouts"),
    path(
        "b/<slug:brand_slug>/payouts/details/",
        payouts.PayoutDetailsView.as_view(),
        name="portal-payout-details",
    ),
]
