"""/api/v1/campaigns/. Writes go through the apps' services; the view only translates."""

from __future__ import annotations

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from api import examples as ex
from api import filters
from api.serializers import resources as s
from api.serializers.common import tenant_object
from api.views.base import TenantViewSet, valid
from attribution.models import Store
from campaigns import services as campaign_services
from campaigns.models import Campaign, TrackingPlan
from campaigns.selectors import campaigns_all


@extend_schema_view(
    list=extend_schema(
        summary="List campaigns", examples=[ex.response("Campaigns", [ex.CAMPAIGN])]
    ),
    retrieve=extend_schema(
        summary="Get a campaign", examples=[ex.response("Campaign", ex.CAMPAIGN)]
    ),
    create=extend_schema(
        summary="Create a campaign",
        description="Its Amazon campaign id (aa_campaignid) is chosen once, from the name.",
        request=s.CampaignWriteSerializer,
        responses={201: s.CampaignSerializer},
        examples=[
            ex.request(
                "New campaign",
                {
                    "store": 12,
                    "tracking_plan": 4,
                    "name": "Spring launch",
                    "starts_on": "2026-03-01",
                    "default_commission_rate": "10.00",
                    "status": "active",
                },
            ),
            ex.response("Campaign", ex.CAMPAIGN, "201"),
        ],
    ),
    partial_update=extend_schema(
        summary="Change a campaign",
        description="Any subset of the fields. The store and the Amazon id never change; the "
        "tracking plan only while no link uses it.",
        request=s.CampaignUpdateSerializer,
        examples=[
            ex.request("Pause", {"status": "paused"}),
            ex.response("Campaign", {**ex.CAMPAIGN, "status": "paused"}),
        ],
    ),
)
class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    model = Campaign
    serializer_class = s.CampaignSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.CampaignFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self) -> Any:
        return campaigns_all()

    def create(self, request: Request) -> Response:
        data = valid(s.CampaignWriteSerializer, request)
        data["store"] = tenant_object(Store, data["store"], "store")
        data["tracking_plan"] = tenant_object(TrackingPlan, data["tracking_plan"], "tracking_plan")
        campaign = campaign_services.campaign_create(**data)
        return Response(s.CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        campaign = self.get_object()
        data = valid(s.CampaignUpdateSerializer, request)
        if "tracking_plan" in data:
            data["tracking_plan"] = tenant_object(
                TrackingPlan, data["tracking_plan"], "tracking_plan"
            )
        store_page = data.pop("store_page", None)
        campaign = campaign_services.campaign_update(
            campaign=campaign, store_page=store_page, **data
        )
        return Response(s.CampaignSerializer(campaign).data)
