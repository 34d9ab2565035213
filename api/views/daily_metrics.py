"""/api/v1/daily-metrics/: Amazon's facts and our clicks, grouped as the export groups them."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from api import examples as ex
from api.serializers import reporting as s
from api.serializers.reporting import export_query_from
from api.views.base import TenantViewSet
from attribution.models import Store
from attribution.selectors import stores_all, stores_by_id
from core.money import money_text
from reporting.exports.query import (
    COUNTS,
    TOTAL_COUNTS,
    export_page,
    row_cursor_key,
)
from reporting.values import conversion_rate


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
        query = export_query_from(data, stores_field="store")
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
