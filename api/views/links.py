"""/api/v1/links/, and making them in bulk. Writes go through the apps' services; the view only
translates."""

from __future__ import annotations

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api import examples as ex
from api import filters
from api.serializers import resources as s
from api.serializers.common import tenant_object
from api.views.base import TenantViewSet, raise_field, valid
from campaigns import services as campaign_services
from campaigns.models import AffiliateLink, Campaign, CampaignCreator, Product
from campaigns.selectors import links_all
from creators.selectors import creators_with_ids


@extend_schema_view(
    list=extend_schema(summary="List links", examples=[ex.response("Links", [ex.LINK])]),
    retrieve=extend_schema(summary="Get a link", examples=[ex.response("Link", ex.LINK)]),
    create=extend_schema(
        summary="Make the link of one creator and product",
        description="Idempotent: 200 with the existing link when it exists, 201 when made. "
        "product=null is the campaign's Amazon Store page.",
        request=s.LinkCreateSerializer,
        responses={201: s.LinkSerializer, 200: s.LinkSerializer},
        examples=[
            ex.request("One link", {"campaign_creator": 90, "product": 31}),
            ex.response("Link", ex.LINK, "201"),
        ],
    ),
    partial_update=extend_schema(
        summary="Turn a link on or off",
        description="An inactive link answers 404 at /l/<code>.",
        request=s.LinkUpdateSerializer,
        examples=[
            ex.request("Off", {"is_active": False}),
            ex.response("Link", {**ex.LINK, "is_active": False}),
        ],
    ),
)
class LinkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    model = AffiliateLink
    serializer_class = s.LinkSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.LinkFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self) -> Any:
        return links_all()

    def create(self, request: Request) -> Response:
        data = valid(s.LinkCreateSerializer, request)
        cc = tenant_object(CampaignCreator, data["campaign_creator"], "campaign_creator")
        product = tenant_object(Product, data.get("product"), "product")
        link, created = campaign_services.link_create(campaign_creator=cc, product=product)
        link = self.get_queryset().get(pk=link.pk)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(s.LinkSerializer(link).data, status=code)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        link = self.get_object()
        data = valid(s.LinkUpdateSerializer, request)
        link = campaign_services.link_set_active(link=link, active=data["is_active"])
        return Response(s.LinkSerializer(link).data)

    @extend_schema(
        summary="Make links in bulk",
        description="Optionally adds creators and products to the campaign first, then makes "
        "every missing link (creator x product, and the store page when set). Up to 2,000 "
        "links are made at once; more start a background job (`job`), and the links appear "
        "in GET /links/?campaign= as it runs.",
        request=s.LinkBulkSerializer,
        responses={201: s.LinkBulkResultSerializer},
        examples=[
            ex.request(
                "Creators and products",
                {"campaign": 7, "creators": [55, 56], "products": [{"asin": "B0C1XYZ234"}]},
            ),
            ex.response("Made", {"created": 2, "job": None}, "201"),
        ],
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        data = valid(s.LinkBulkSerializer, request)
        campaign = tenant_object(Campaign, data["campaign"], "campaign")
        creators = creators_with_ids(creator_ids=data["creators"])
        missing = set(data["creators"]) - {c.pk for c in creators}
        if missing:
            raise_field("creators", "No such creator: " + ", ".join(map(str, sorted(missing))))
        created, job = campaign_services.links_bulk_make(
            campaign=campaign,
            creators=creators,
            products=[(p["asin"], p["title"]) for p in data["products"]],
        )
        body = {
            "created": created,
            "job": {"id": job.pk, "status": job.status, "total": job.total, "done": job.done}
            if job
            else None,
        }
        return Response(body, status=status.HTTP_201_CREATED)
