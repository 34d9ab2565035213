"""/api/v1/ (resources), /api/schema/ (OpenAPI 3), /api/docs/ (reference) and
/api/docs/try/ (Swagger UI)."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from api.views import (
    activity,
    campaign_creators,
    campaigns,
    conversions,
    creators,
    daily_metrics,
    exports,
    links,
    products,
    stores,
    sync_runs,
    tracking_plans,
)
from api.views.misc import api_not_found

router = SimpleRouter()
router.register("stores", stores.StoreViewSet, basename="api-store")
router.register("tracking-plans", tracking_plans.TrackingPlanViewSet, basename="api-tracking-plan")
router.register("campaigns", campaigns.CampaignViewSet, basename="api-campaign")
router.register("products", products.ProductViewSet, basename="api-product")
router.register("creators", creators.CreatorViewSet, basename="api-creator")
router.register(
    "campaign-creators", campaign_creators.CampaignCreatorViewSet, basename="api-campaign-creator"
)
router.register("links", links.LinkViewSet, basename="api-link")
router.register("daily-metrics", daily_metrics.DailyMetricViewSet, basename="api-daily-metric")
router.register("conversions", conversions.ConversionViewSet, basename="api-conversion")
router.register("sync-runs", sync_runs.SyncRunViewSet, basename="api-sync-run")
router.register("exports", exports.ExportViewSet, basename="api-export")
router.register("activity", activity.ActivityViewSet, basename="api-activity")

# The docs pages' own Content-Security-Policy: Redoc and Swagger UI style themselves inline and
# draw icons from data: URLs, and Redoc searches in a blob: worker. Scripts keep the nonce
# (templates/drf_spectacular/); style-src must carry none, or browsers ignore 'unsafe-inline'.
docs_csp = csp_replace(
    {
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "worker-src": [SELF, "blob:"],
    }
)

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        docs_csp(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "api/docs/try/",
        docs_csp(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs-try",
    ),
    path("api/v1/", include(router.urls)),
    re_path(r"^api/", api_not_found),
]
