"""/api/v1/sync-runs/: a store's syncs, and asking for one now."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from api import examples as ex
from api import filters
from api.serializers import reporting as s
from api.serializers.common import tenant_object
from api.views.base import TenantViewSet
from attribution.models import Store, SyncRun
from attribution.selectors import sync_runs_all
from attribution.sync.schedule import store_request_sync


class SyncTooSoon(exceptions.Throttled):
    api_code = "sync_too_soon"


@extend_schema_view(
    list=extend_schema(summary="List sync runs", examples=[ex.response("Runs", [ex.SYNC_RUN])]),
    retrieve=extend_schema(summary="Get a sync run", examples=[ex.response("Run", ex.SYNC_RUN)]),
    create=extend_schema(
        summary="Sync a store now",
        description='Queues a sync of the store\'s last 30 days ("Sync now"), at most once per '
        "15 minutes per store; sooner answers 429 `sync_too_soon` with Retry-After. The run "
        "appears in the list when it starts.",
        request=s.SyncRequestSerializer,
        responses={202: s.SyncAcceptedSerializer},
        examples=[
            ex.request("Sync", {"store": 12}),
            ex.response("Queued", {"store": 12, "detail": "Sync queued."}, "202"),
        ],
    ),
)
class SyncRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    model = SyncRun
    serializer_class = s.SyncRunSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.SyncRunFilter

    def scoped_queryset(self) -> Any:
        return sync_runs_all()

    def create(self, request: Request) -> Response:
        serializer = s.SyncRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        store = tenant_object(Store, serializer.validated_data["store"], "store")
        if not store_request_sync(store=store):
            store.refresh_from_db(fields=["sync_requested_at"])
            wait = settings.SYNC_NOW_MIN_INTERVAL
            if store.sync_requested_at:
                ready = store.sync_requested_at + timedelta(seconds=settings.SYNC_NOW_MIN_INTERVAL)
                wait = max(1, int((ready - timezone.now()).total_seconds()) + 1)
            raise SyncTooSoon(
                wait=wait, detail="A sync of this store was requested less than 15 minutes ago."
            )
        return Response(
            {"store": store.pk, "detail": "Sync queued."}, status=status.HTTP_202_ACCEPTED
        )
