"""/api/v1/exports/: the aggregated CSV, written at once or in the background."""

from __future__ import annotations

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from api import examples as ex
from api import filters
from api.serializers import reporting as s
from api.serializers.reporting import export_query_from
from api.views.base import TenantViewSet
from reporting.exports.jobs import export_create, export_is_large
from reporting.models import Export
from reporting.selectors.exports import exports_all
from tenancy.models import ANY_ROLE


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
        query = export_query_from(dict(serializer.validated_data), stores_field="stores")
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
