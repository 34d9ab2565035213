"""Stores (read), tracking plans, campaigns, products, creators, campaign creators and links.
Writes go through the apps' services (the rules live there); views only translate."""

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
from api.views.base import TenantViewSet
from attribution.models import Store
from campaigns import services as campaign_services
from campaigns.models import AffiliateLink, Campaign, LinkJob, Product, TrackingPlan
from creators import services as creator_services
from creators.models import CampaignCreator, Creator


def _valid(serializer_class: Any, request: Request, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema_view(
    list=extend_schema(
        summary="List stores", examples=[ex.response("Stores", [ex.STORE])], tags=["stores"]
    ),
    retrieve=extend_schema(
        summary="Get a store", examples=[ex.response("Store", ex.STORE)], tags=["stores"]
    ),
)
class StoreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """The organisation's Amazon stores (one Amazon Ads profile each). Read-only: stores come
    from connecting Amazon Ads in the browser."""

    model = Store
    serializer_class = s.StoreSerializer

    def scoped_queryset(self) -> Any:
        return Store.objects.all()

    @extend_schema(
        summary="List the store's Amazon Attribution publishers",
        description="Asks Amazon. Pick one to create a tracking plan.",
        responses={200: s.PublisherSerializer(many=True)},
        examples=[ex.response("Publishers", [ex.PUBLISHER])],
        tags=["stores"],
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def publishers(self, request: Request, pk: Any = None) -> Response:
        store = self.get_object()
        rows = campaign_services.store_publishers(store=store)
        return Response([{"id": p["id"], "name": p["name"]} for p in rows])


@extend_schema_view(
    list=extend_schema(summary="List tracking plans", examples=[ex.response("Plans", [ex.PLAN])]),
    retrieve=extend_schema(summary="Get a tracking plan", examples=[ex.response("Plan", ex.PLAN)]),
    create=extend_schema(
        summary="Create a tracking plan",
        description="Fetches the publisher's non-macro template tag from Amazon (mandatory "
        "before Amazon measures clicks) and keeps it.",
        request=s.TrackingPlanCreateSerializer,
        responses={201: s.TrackingPlanSerializer},
        examples=[
            ex.request("New plan", {"store": 12, "publisher_id": "101", "name": "Influencers"}),
            ex.response("Plan", ex.PLAN, "201"),
        ],
    ),
    partial_update=extend_schema(
        summary="Rename a tracking plan",
        request=s.TrackingPlanUpdateSerializer,
        examples=[ex.request("Rename", {"name": "Creators"}), ex.response("Plan", ex.PLAN)],
    ),
    destroy=extend_schema(
        summary="Delete a tracking plan",
        description="Only a plan no campaign uses; archive it otherwise.",
        examples=[ex.response("Deleted", None, "204")],
    ),
)
class TrackingPlanViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, TenantViewSet
):
    model = TrackingPlan
    serializer_class = s.TrackingPlanSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.TrackingPlanFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped_queryset(self) -> Any:
        return TrackingPlan.objects.all()

    def create(self, request: Request) -> Response:
        data = _valid(s.TrackingPlanCreateSerializer, request)
        store = tenant_object(Store, data["store"], "store")
        plan = campaign_services.tracking_plan_create(
            store=store, publisher_id=data["publisher_id"], name=data["name"]
        )
        return Response(s.TrackingPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        plan = self.get_object()
        data = _valid(s.TrackingPlanUpdateSerializer, request)
        plan = campaign_services.tracking_plan_rename(plan=plan, name=data["name"])
        return Response(s.TrackingPlanSerializer(plan).data)

    def perform_destroy(self, instance: TrackingPlan) -> None:
        campaign_services.tracking_plan_delete(plan=instance)

    @extend_schema(
        summary="Archive a tracking plan",
        request=None,
        examples=[ex.response("Plan", {**ex.PLAN, "archived_at": "2026-11-01T00:00:00Z"})],
    )
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: Any = None) -> Response:
        plan = campaign_services.tracking_plan_archive(plan=self.get_object())
        return Response(s.TrackingPlanSerializer(plan).data)

    @extend_schema(
        summary="Unarchive a tracking plan", request=None, examples=[ex.response("Plan", ex.PLAN)]
    )
    @action(detail=True, methods=["post"])
    def unarchive(self, request: Request, pk: Any = None) -> Response:
        plan = campaign_services.tracking_plan_unarchive(plan=self.get_object())
        return Response(s.TrackingPlanSerializer(plan).data)


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
        return Campaign.objects.all()

    def create(self, request: Request) -> Response:
        data = _valid(s.CampaignWriteSerializer, request)
        data["store"] = tenant_object(Store, data["store"], "store")
        data["tracking_plan"] = tenant_object(TrackingPlan, data["tracking_plan"], "tracking_plan")
        campaign = campaign_services.campaign_create(**data)
        return Response(s.CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        campaign = self.get_object()
        data = _valid(s.CampaignUpdateSerializer, request)
        if "tracking_plan" in data:
            data["tracking_plan"] = tenant_object(
                TrackingPlan, data["tracking_plan"], "tracking_plan"
            )
        store_page = data.pop("store_page", None)
        campaign = campaign_services.campaign_update(
            campaign=campaign, store_page=store_page, **data
        )
        return Response(s.CampaignSerializer(campaign).data)


@extend_schema_view(
    list=extend_schema(summary="List products", examples=[ex.response("Products", [ex.PRODUCT])]),
    retrieve=extend_schema(summary="Get a product", examples=[ex.response("Product", ex.PRODUCT)]),
    create=extend_schema(
        summary="Add a product (ASIN) to a campaign",
        description="Links for the campaign's creators are made with it. An ASIN removed "
        "earlier comes back with its links.",
        request=s.ProductCreateSerializer,
        responses={201: s.ProductSerializer},
        examples=[
            ex.request("Add", {"campaign": 7, "asin": "B0C1XYZ234", "title": "Trail bottle"}),
            ex.response("Product", ex.PRODUCT, "201"),
        ],
    ),
    destroy=extend_schema(
        summary="Remove a product from its campaign",
        description="Its links stop redirecting; clicks and facts are kept.",
        examples=[ex.response("Removed", None, "204")],
    ),
)
class ProductViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, TenantViewSet
):
    model = Product
    serializer_class = s.ProductSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.ProductFilter

    def scoped_queryset(self) -> Any:
        return Product.objects.all()

    def create(self, request: Request) -> Response:
        data = _valid(s.ProductCreateSerializer, request)
        campaign = tenant_object(Campaign, data["campaign"], "campaign")
        (product,) = campaign_services.products_add(
            campaign=campaign, entries=[(data["asin"], data["title"])]
        )
        return Response(s.ProductSerializer(product).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Product) -> None:
        campaign_services.product_remove(product=instance)


@extend_schema_view(
    list=extend_schema(summary="List creators", examples=[ex.response("Creators", [ex.CREATOR])]),
    retrieve=extend_schema(summary="Get a creator", examples=[ex.response("Creator", ex.CREATOR)]),
    create=extend_schema(
        summary="Create a creator",
        request=s.CreatorWriteSerializer,
        responses={201: s.CreatorSerializer},
        examples=[
            ex.request(
                "New creator",
                {"name": "Jane Doe", "email": "jane@example.com", "handle": "@janedoe"},
            ),
            ex.response("Creator", ex.CREATOR, "201"),
        ],
    ),
    partial_update=extend_schema(
        summary="Change a creator",
        request=s.CreatorUpdateSerializer,
        examples=[
            ex.request("New handle", {"handle": "@jane"}),
            ex.response("Creator", {**ex.CREATOR, "handle": "@jane"}),
        ],
    ),
)
class CreatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    model = Creator
    serializer_class = s.CreatorSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.CreatorFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self) -> Any:
        return Creator.objects.all()

    def create(self, request: Request) -> Response:
        data = _valid(s.CreatorWriteSerializer, request)
        creator = creator_services.creator_create(**data)
        return Response(s.CreatorSerializer(creator).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        creator = self.get_object()
        data = _valid(s.CreatorUpdateSerializer, request)
        current = {
            "name": creator.name,
            "email": creator.email,
            "handle": creator.handle,
            "channels": creator.channels,
        }
        creator = creator_services.creator_update(creator=creator, **{**current, **data})
        return Response(s.CreatorSerializer(creator).data)


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
        return CampaignCreator.objects.select_related("campaign")

    def create(self, request: Request) -> Response:
        data = _valid(s.CampaignCreatorCreateSerializer, request)
        campaign = tenant_object(Campaign, data["campaign"], "campaign")
        creator = tenant_object(Creator, data["creator"], "creator")
        (cc,) = creator_services.campaign_creators_add(
            campaign=campaign,
            creators=[creator],
            commission_rate_override=data.get("commission_rate_override"),
            status=data["status"],
        )
        return Response(s.CampaignCreatorSerializer(cc).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        cc = self.get_object()
        data = _valid(s.CampaignCreatorUpdateSerializer, request)
        cc = creator_services.campaign_creator_update(
            campaign_creator=cc,
            status=data.get("status", cc.status),
            commission_rate_override=data.get(
                "commission_rate_override", cc.commission_rate_override
            ),
        )
        return Response(s.CampaignCreatorSerializer(cc).data)


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
        return AffiliateLink.objects.select_related("campaign_creator")

    def create(self, request: Request) -> Response:
        data = _valid(s.LinkCreateSerializer, request)
        cc = tenant_object(CampaignCreator, data["campaign_creator"], "campaign_creator")
        product = tenant_object(Product, data.get("product"), "product")
        link, created = campaign_services.link_create(campaign_creator=cc, product=product)
        link = self.get_queryset().get(pk=link.pk)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(s.LinkSerializer(link).data, status=code)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        link = self.get_object()
        data = _valid(s.LinkUpdateSerializer, request)
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
        data = _valid(s.LinkBulkSerializer, request)
        campaign = tenant_object(Campaign, data["campaign"], "campaign")
        creators = list(Creator.objects.filter(pk__in=data["creators"]))
        missing = set(data["creators"]) - {c.pk for c in creators}
        if missing:
            raise_field("creators", "No such creator: " + ", ".join(map(str, sorted(missing))))
        before = AffiliateLink.objects.filter(campaign=campaign).count()
        if data["products"]:
            campaign_services.products_add(
                campaign=campaign, entries=[(p["asin"], p["title"]) for p in data["products"]]
            )
        if creators:
            creator_services.campaign_creators_add(campaign=campaign, creators=creators)
        result = campaign_services.links_sync(campaign=campaign)
        job = result if isinstance(result, LinkJob) else None
        created = AffiliateLink.objects.filter(campaign=campaign).count() - before
        body = {
            "created": created,
            "job": {"id": job.pk, "status": job.status, "total": job.total, "done": job.done}
            if job
            else None,
        }
        return Response(body, status=status.HTTP_201_CREATED)


def raise_field(field: str, message: str) -> None:
    from rest_framework.exceptions import ValidationError

    raise ValidationError({field: [message]})
