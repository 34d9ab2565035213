"""The product's URLs plus the baseline: a bare Django view answering a constant 302, served
by the same gunicorn with the same settings and middleware as /l/<code>."""

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path

from config.urls import urlpatterns as product_urls

BARE_TARGET = (
    "https://www.amazon.com/dp/B0EXAMPLE1?maas=maas_adg_api_1_static_9_105&ref_=aa_maas"
    "&tag=maas&aa_campaignid=bench-2026&aa_adgroupid=bench&aa_creativeid=bench-b0example1"
)


@transaction.non_atomic_requests  # like the redirect: no database transaction
def bare_302(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(BARE_TARGET)


urlpatterns = [path("bench/bare-302", bare_302), *product_urls]
