"""/api/v1/stores/: the organisation's Amazon stores (read only). Writes go through the apps'
services; the view only translates."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api import examples as ex
from api.serializers import resources as s
from api.views.base import TenantViewSet
from attribution.models import Store
from attribution.selectors import stores_all
from campaigns import services as campaign_services


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
        return stores_all()

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
