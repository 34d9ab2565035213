"""Daily metrics (grouped like the export), conversions (list, approve, deny), sync runs (list,
trigger) and exports (background CSV files with an expiring download link)."""

from __future__ import annotations

import base64
import binascii
from datetime import date, timedelta
from typing import Any, cast

from django.conf import settings
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from api import examples as ex
from api import filters
from api.serializers import reporting as s
from api.serializers.common import tenant_object
from api.views.base import TenantViewSet
from attribution.models import Store, SyncRun
from attribution.selectors import stores_all, stores_by_id, sync_runs_all
from attribution.sync.schedule import store_request_sync
from campaigns.models import AffiliateLink, Campaign
from commissions.models import Conversion
from commissions.selectors.conversions import conversions_list
from commissions.services import conversions_decide
from core.money import money_text
from creators.models import Creator
from reporting.exports.jobs import export_create, export_is_large
from reporting.exports.query import (
    COUNTS,
    TOTAL_COUNTS,
    ExportQuery,
    export_page,
    export_query_build,
    row_cursor_key,
)
from reporting.models import Export
from reporting.selectors.exports import exports_all
from reporting.values import conversion_rate
from tenancy.models import ANY_ROLE, MANAGE_CAMPAIGNS, User


def _query(data: dict[str, Any], *, stores_field: str) -> ExportQuery:
    """An export query from validated input; ids of another tenant are unknown ids."""
    tenant_object(Campaign, data.get("campaign"), "campaign")
    tenant_object(Creator, data.get("creator"), "creator")
    tenant_object(AffiliateLink, data.get("link"), "link")
    try:
        return export_query_build(
            start=data["start"],
            end=data["end"],
            store_ids=data.get(stores_field) or None,
            group_by=data["group_by"],
            campaign_id=data.get("campaign"),
            creator_id=data.get("creator"),
            link_id=data.get("link"),
        )
    except Exception as exc:
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            rename = {"store": stores_field}
            raise exceptions.ValidationError(
                {rename.get(k, k): v for k, v in exc.message_dict.items()}
            ) from exc
        raise


def _encode_cursor(key: tuple[date, int, int]) -> str:
    raw = f"{key[0].isoformat()}|{key[1]}|{key[2]}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[date, int, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        day, store, key = raw.split("|")
        return date.fromisoformat(day), int(store), int(key)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise exceptions.ValidationError({"cursor": ["Invalid cursor."]}) from exc


@extend_schema_view(
    list=extend_schema(
        summary="Daily metrics, grouped like the export",
        description="Rows per date and store (`group_by=day`), or per date, store and "
        "campaign/creator/link: Amazon's figures (`clicks` to `sales`, `total_*` = brand totals "
        "incl. halo), our first-party `link_clicks`, and the commission owed. `day` and "
        "`campaign` rows come from Amazon's campaign level (the store's and campaigns' totals, "
        "as on the dashboards), `creator` rows (and any query filtered by `creator`) from the "
        "ad-group level, `link` rows from the creative level; Amazon masks a finer level more "
        "(a tag group under 10 lifetime clicks reads 0), so its sums can be lower. Amazon rows "
        "that match no campaign/creator/link have null there, so per-store sums equal "
        "Amazon's. Ordered by date, store, then id (unmatched last); paginated by `cursor`.",
        parameters=[s.MetricsQuerySerializer],
        responses={200: s.MetricPageSerializer},
        examples=[ex.response("Campaign rows", {"next": None, "results": [ex.METRIC_ROW]})],
    )
)
class DailyMetricViewSet(TenantViewSet):
    pagination_class = None  # type: ignore[assignment]  # its own keyset cursor
    model = Store
    serializer_class = s.MetricRowSerializer

    def scoped_queryset(self) -> Any:
        return stores_all().none()

    def list(self, request: Request) -> Response:
        params = s.MetricsQuerySerializer(
            data={**request.query_params.dict(), "store": request.query_params.getlist("store")}
        )
        params.is_valid(raise_exception=True)
        data = params.validated_data
        query = _query(data, stores_field="store")
        after = _decode_cursor(data["cursor"]) if data.get("cursor") else None
        rows, more = export_page(query, after=after, size=data["page_size"])
        stores = stores_by_id(store_ids=query.store_ids)
        results = [self._row(row, stores[row.store_id], query.group_by) for row in rows]
        next_url = None
        if more and rows:
            next_url = replace_query_param(
                request.build_absolute_uri(), "cursor", _encode_cursor(row_cursor_key(rows[-1]))
            )
        return Response({"next": next_url, "results": results})

    @staticmethod
    def _row(row: Any, store: Store, group_by: str) -> dict[str, Any]:
        v = row.values
        currency = store.currency_code
        rate = conversion_rate(v["purchases"] or 0, v["clicks"] or 0)
        key, label = row.key_id, (row.label or None)
        return {
            "date": row.date.isoformat(),
            "store": store.pk,
            "marketplace": store.country_code.upper(),
            "currency": store.currency_code.upper(),
            "campaign": key if group_by == "campaign" else None,
            "campaign_name": label if group_by == "campaign" else None,
            "creator": key if group_by == "creator" else None,
            "creator_name": label if group_by == "creator" else None,
            "link": key if group_by == "link" else None,
            "link_code": label if group_by == "link" else None,
            **{c: int(v[c] or 0) for c in (*COUNTS, *TOTAL_COUNTS)},
            "sales": money_text(v["sales"], currency),
            "total_sales": money_text(v["total_sales"], currency),
            "conversion_rate": None if rate is None else f"{rate:f}",
            "brand_referral_bonus": money_text(v["brand_referral_bonus"], currency),
            "commission": None if group_by == "link" else money_text(v["commission"], currency),
        }


@extend_schema_view(
    list=extend_schema(
        summary="List conversions", examples=[ex.response("Conversions", [ex.CONVERSION])]
    ),
    retrieve=extend_schema(
        summary="Get a conversion", examples=[ex.response("Conversion", ex.CONVERSION)]
    ),
)
class ConversionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """What creators earn, per store, creator and day: `pending` until its date plus the
    campaign's settlement days, then `awaiting` a decision; `approved` ones become `payable`
    when their approval month has closed, then `paid`."""

    model = Conversion
    serializer_class = s.ConversionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.ConversionFilter
    action_roles = {
        "approve": MANAGE_CAMPAIGNS,
        "deny": MANAGE_CAMPAIGNS,
        "approve_many": MANAGE_CAMPAIGNS,
        "deny_many": MANAGE_CAMPAIGNS,
    }

    def scoped_queryset(self) -> Any:
        return conversions_list()

    def _decide_one(self, request: Request, approve: bool) -> Response:
        conversion = self.get_object()
        data = self._valid(s.DecideSerializer, request)
        result = conversions_decide(
            conversion_ids=[conversion.pk],
            approve=approve,
            reason=data["reason"],
            user=cast(User, self.actor),
        )
        if result.skipped:
            raise exceptions.ValidationError({"status": [result.skipped[conversion.pk]]})
        return Response(s.ConversionSerializer(self.get_queryset().get(pk=conversion.pk)).data)

    def _decide_many(self, request: Request, approve: bool) -> Response:
        data = self._valid(s.BulkDecideSerializer, request)
        result = conversions_decide(
            conversion_ids=data["ids"],
            approve=approve,
            reason=data["reason"],
            user=cast(User, self.actor),
        )
        skipped = {str(pk): why for pk, why in result.skipped.items()}
        return Response({"decided": result.decided, "skipped": skipped})

    @staticmethod
    def _valid(serializer_class: Any, request: Request) -> dict[str, Any]:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(
        summary="Approve a conversion awaiting approval",
        request=s.DecideSerializer,
        responses={200: s.ConversionSerializer},
        examples=[
            ex.request("Approve", {}),
            ex.response("Approved", {**ex.CONVERSION, "status": "approved"}),
        ],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        return self._decide_one(request, approve=True)

    @extend_schema(
        summary="Deny a conversion awaiting approval (a reason is required)",
        request=s.DecideSerializer,
        responses={200: s.ConversionSerializer},
        examples=[
            ex.request("Deny", {"reason": "Self-purchase"}),
            ex.response(
                "Denied", {**ex.CONVERSION, "status": "denied", "decision_reason": "Self-purchase"}
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def deny(self, request: Request, pk: Any = None) -> Response:
        return self._decide_one(request, approve=False)

    @extend_schema(
        operation_id="conversions_approve_many",
        summary="Approve many conversions",
        description="Ids not awaiting approval (or unknown) are skipped, each with the reason.",
        request=s.BulkDecideSerializer,
        responses={200: s.DecisionSerializer},
        examples=[
            ex.request("Approve", {"ids": [1201, 1202]}),
            ex.response("Result", {"decided": 1, "skipped": {"1202": "already approved"}}),
        ],
    )
    @action(detail=False, methods=["post"], url_path="approve")
    def approve_many(self, request: Request) -> Response:
        return self._decide_many(request, approve=True)

    @extend_schema(
        operation_id="conversions_deny_many",
        summary="Deny many conversions (a reason is required)",
        request=s.BulkDecideSerializer,
        responses={200: s.DecisionSerializer},
        examples=[
            ex.request("Deny", {"ids": [1201], "reason": "Returned orders"}),
            ex.response("Result", {"decided": 1, "skipped": {}}),
        ],
    )
    @action(detail=False, methods=["post"], url_path="deny")
    def deny_many(self, request: Request) -> Response:
        return self._decide_many(request, approve=False)


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


@extend_schema_view(
    list=extend_schema(summary="List exports", examples=[ex.response("Exports", [ex.EXPORT])]),
    retrieve=extend_schema(
        summary="Get an export (progress, download link)",
        description="Poll until `status` is `done`; `download_url` is signed, needs no key, and "
        "expires an hour after the response that carried it (ask again for a fresh one). Files "
        "are removed after a day (`expires_at`).",
        examples=[ex.response("Export", ex.EXPORT)],
    ),
    create=extend_schema(
        summary="Export CSV (the aggregated export)",
        description="The same CSV as the browser's and `manage.py export_aggregated`: columns "
        "`date, store, marketplace, currency, campaign, creator, link, link_clicks, clicks, "
        "detail_page_views, add_to_cart, purchases, units_sold, sales, total_purchases, "
        "total_units_sold, total_sales, conversion_rate, brand_referral_bonus, commission`. "
        "Small exports are written at once (201, `status=done`); large ones run in the "
        "background (202, poll GET /exports/{id}/).",
        request=s.ExportCreateSerializer,
        responses={201: s.ExportSerializer, 202: s.ExportSerializer},
        examples=[
            ex.request(
                "A month per link",
                {"start": "2026-10-01", "end": "2026-10-31", "group_by": "link", "stores": [12]},
            ),
            ex.response("Written", ex.EXPORT, "201"),
            ex.response(
                "Queued",
                {**ex.EXPORT, "status": "queued", "download_url": None, "finished_at": None},
                "202",
            ),
        ],
    ),
)
class ExportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    model = Export
    serializer_class = s.ExportSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.ExportFilter
    action_roles = {"create": ANY_ROLE}

    def scoped_queryset(self) -> Any:
        return exports_all()

    def create(self, request: Request) -> Response:
        serializer = s.ExportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        query = _query(dict(serializer.validated_data), stores_field="stores")
        large, estimate = export_is_large(query)
        export = export_create(
            query=query,
            requested_by=self.actor,
            requested_via=f"API key {self.api_key}" if self.api_key else "",
            estimate=estimate,
            run_now=not large,
        )
        body = s.ExportSerializer(export, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED if large else status.HTTP_201_CREATED)
