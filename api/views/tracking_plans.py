"""/api/v1/tracking-plans/: a store's tracking plans (publisher and the fetched template tag).
Writes go through the apps' services; the view only translates."""

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
from api.views.base import TenantViewSet, valid
from attribution.models import Store
from campaigns import services as campaign_services
from campaigns.models import TrackingPlan
from campaigns.selectors import tracking_plans_all


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
        return tracking_plans_all()

    def create(self, request: Request) -> Response:
        data = valid(s.TrackingPlanCreateSerializer, request)
        store = tenant_object(Store, data["store"], "store")
        plan = campaign_services.tracking_plan_create(
            store=store, publisher_id=data["publisher_id"], name=data["name"]
        )
        return Response(s.TrackingPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        plan = self.get_object()
        data = valid(s.TrackingPlanUpdateSerializer, request)
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
