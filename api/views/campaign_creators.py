"""/api/v1/campaign-creators/: creators on a campaign. Writes go through the apps' services; the
view only translates."""

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
from campaigns.models import Campaign, CampaignCreator
from campaigns.selectors import campaign_creators_all
from campaigns.services import campaign_creators as campaign_creator_services
from creators.models import Creator


@extend_schema_view(
    list=extend_schema(
        summary="List creators in campaigns",
        examples=[ex.response("Campaign creators", [ex.CAMPAIGN_CREATOR])],
    ),
    retrieve=extend_schema(
        summary="Get a creator in a campaign",
        examples=[ex.response("Campaign creator", ex.CAMPAIGN_CREATOR)],
    ),
    create=extend_schema(
        summary="Add a creator to a campaign",
        description="The creator gets an Amazon ad-group id (aa_adgroupid) and links for "
        "every product of the campaign.",
        request=s.CampaignCreatorCreateSerializer,
        responses={201: s.CampaignCreatorSerializer},
        examples=[
            ex.request("Add", {"campaign": 7, "creator": 55, "commission_rate_override": "12.50"}),
            ex.response("Campaign creator", ex.CAMPAIGN_CREATOR, "201"),
        ],
    ),
    partial_update=extend_schema(
        summary="Change a creator's status or commission override in a campaign",
        description="status=removed stops their links (404).",
        request=s.CampaignCreatorUpdateSerializer,
        examples=[
            ex.request("Remove", {"status": "removed"}),
            ex.response("Campaign creator", {**ex.CAMPAIGN_CREATOR, "status": "removed"}),
        ],
    ),
)
class CampaignCreatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    model = CampaignCreator
    serializer_class = s.CampaignCreatorSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.CampaignCreatorFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self) -> Any:
        return campaign_creators_all()

    def create(self, request: Request) -> Response:
        data = valid(s.CampaignCreatorCreateSerializer, request)
        campaign = tenant_object(Campaign, data["campaign"], "campaign")
        creator = tenant_object(Creator, data["creator"], "creator")
        (cc,) = campaign_creator_services.campaign_creators_add(
            campaign=campaign,
            creators=[creator],
            commission_rate_override=data.get("commission_rate_override"),
            status=data["status"],
        )
        return Response(s.CampaignCreatorSerializer(cc).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        cc = self.get_object()
        data = valid(s.CampaignCreatorUpdateSerializer, request)
        cc = campaign_creator_services.campaign_creator_update(
            campaign_creator=cc,
            status=data.get("status", cc.status),
            commission_rate_override=data.get(
                "commission_rate_override", cc.commission_rate_override
            ),
        )
        return Response(s.CampaignCreatorSerializer(cc).data)
