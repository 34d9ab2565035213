from django.contrib.auth import views as auth_views
from django.urls import include, path

from attribution.views import amazon_callback
from campaigns.views.redirect import short_link
from config.health import healthz
from portal.views import access as portal_access
from reporting.views.exports import export_download
from tenancy.forms import EmailAuthenticationForm, LimitedPasswordResetForm
from tenancy.views import accounts, signup

urlpatterns = [
    # The public short link, first: the busiest URL (no tenant in it; campaigns/views/redirect.py)
    path("l/<str:code>", short_link, name="short-link"),
    path("healthz", healthz, name="healthz"),
    path("", portal_access.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=LimitedPasswordResetForm),
        name="password_reset",
    ),
    # Self-serve sign-up (404 when SIGNUP_OPEN is off)
    path("accounts/signup/", signup.signup_view, name="signup"),
    path("accounts/signup/<str:token>/", signup.signup_complete_view, name="signup-complete"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("invitations/<str:token>/", accounts.invitation_accept_view, name="invitation-accept"),
    path("amazon/callback/", amazon_callback, name="amazon-callback"),
    # The creator portal: a creator's own links, numbers and earnings, brand by brand.
    path("portal/", include("portal.urls")),
    # A finished export's file by signed, expiring link (the signature names the tenant).
    path("exports/<str:token>/download/", export_download, name="export-download"),
    # The REST API: /api/v1/ (tenant from the API key or X-Organization), schema and docs.
    path("", include("api.urls")),
    # Everything a tenant owns lives under /o/<org_slug>/; apps add their URLs here.
    path("o/<slug:org_slug>/", include("tenancy.urls")),
    path("o/<slug:org_slug>/", include("attribution.urls")),
    path("o/<slug:org_slug>/", include("campaigns.urls")),
    path("o/<slug:org_slug>/", include("reporting.urls")),
    path("o/<slug:org_slug>/", include("audit.urls")),
    path("o/<slug:org_slug>/", include("api.page_urls")),
]
