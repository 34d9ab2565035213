"""/api/v1/products/: a campaign's promoted products. Writes go through the apps' services; the
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
from campaigns import services as campaign_services
from campaigns.models import Campaign, Product
from campaigns.selectors import products_all


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
        return products_all()

    def create(self, request: Request) -> Response:
        data = valid(s.ProductCreateSerializer, request)
        campaign = tenant_object(Campaign, data["campaign"], "campaign")
        (product,) = campaign_services.products_add(
            campaign=campaign, entries=[(data["asin"], data["title"])]
        )
        return Response(s.ProductSerializer(product).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Product) -> None:
        campaign_services.product_remove(product=instance)
