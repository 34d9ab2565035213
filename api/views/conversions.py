"""/api/v1/conversions/: the ledger's conversions, and approving or denying them."""

from __future__ import annotations

from typing import Any, cast

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api import examples as ex
from api import filters
from api.schema import ErrorSerializer
from api.serializers import reporting as s
from api.views.base import TenantViewSet
from commissions.approvals import SelectionChanged, conversions_decide_matching
from commissions.models import Conversion
from commissions.selectors.conversions import (
    ConversionFilter,
    SelectionSummary,
    conversions_list,
    conversions_matching,
    conversions_selection_summary,
)
from commissions.services import conversions_decide
from core.money import money_text
from tenancy.models import MANAGE_CAMPAIGNS, User

CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="With `filter` and `expected_count`: the matching conversions changed since "
    "(`selection_changed`); nothing was changed. Read GET /conversions/selection/ again.",
)


class SelectionConflict(exceptions.APIException):
    """The conversions matching the filter changed since the caller's GET
    /conversions/selection/ (a restatement, a decision elsewhere): nothing was changed."""

    status_code = 409
    default_code = "selection_changed"
    default_detail = "The matching conversions changed; nothing was changed."


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
        "selection": MANAGE_CAMPAIGNS,
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
        if "filter" in data:
            return self._decide_matching(data, approve)
        result = conversions_decide(
            conversion_ids=data["ids"],
            approve=approve,
            reason=data["reason"],
            user=cast(User, self.actor),
        )
        skipped = {str(pk): why for pk, why in result.skipped.items()}
        return Response({"decided": result.decided, "skipped": skipped})

    def _decide_matching(self, data: dict[str, Any], approve: bool) -> Response:
        expected = None
        if "expected_count" in data:
            expected = SelectionSummary(
                count=data["expected_count"], version=data.get("expected_version", "")
            )
        try:
            result = conversions_decide_matching(
                filter=_filter(data["filter"]),
                approve=approve,
                reason=data["reason"],
                user=cast(User, self.actor),
                expected=expected,
            )
        except SelectionChanged as exc:
            raise SelectionConflict(" ".join(exc.messages)) from exc
        return Response(
            {
                "decided": result.decided,
                "skipped": {},
                "totals": _selection(result.summary)["totals"],
            }
        )

    @staticmethod
    def _valid(serializer_class: Any, request: Request) -> dict[str, Any]:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(
        summary="What a bulk decision with this filter applies to",
        description="The conversions matching the query's filter (`status` defaults to "
        "`awaiting`, the only one that is decided): their count, what they owe per currency, "
        "and a version to send back as `expected_version`.",
        parameters=[s.ConversionFilterSerializer],
        responses={200: s.SelectionSerializer},
        examples=[
            ex.response("Selection", {"count": 2, "totals": {"USD": "4.00"}, "version": "9f0c…"})
        ],
    )
    @action(detail=False, methods=["get"], url_path="selection")
    def selection(self, request: Request) -> Response:
        serializer = s.ConversionFilterSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        qs = conversions_matching(filter=_filter(dict(serializer.validated_data)))
        return Response(_selection(conversions_selection_summary(qs)))

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
        description="With `ids`: ids not awaiting approval (or unknown) are skipped, each with "
        "the reason. With `filter` (the list's filter as an object): every conversion awaiting "
        "approval that matches, all or nothing, in one action; with `expected_count` and "
        "`expected_version` from GET /conversions/selection/, refused with 409 (nothing "
        "changed) when the matching conversions changed since.",
        request=s.BulkDecideSerializer,
        responses={200: s.DecisionSerializer, 409: CONFLICT},
        examples=[
            ex.request("Approve", {"ids": [1201, 1202]}),
            ex.response("Result", {"decided": 1, "skipped": {"1202": "already approved"}}),
            ex.request(
                "Approve all matching",
                {
                    "filter": {"campaign": 7, "month": "2026-10"},
                    "expected_count": 2,
                    "expected_version": "9f0c…",
                },
            ),
        ],
    )
    @action(detail=False, methods=["post"], url_path="approve")
    def approve_many(self, request: Request) -> Response:
        return self._decide_many(request, approve=True)

    @extend_schema(
        operation_id="conversions_deny_many",
        summary="Deny many conversions (a reason is required)",
        request=s.BulkDecideSerializer,
        responses={200: s.DecisionSerializer, 409: CONFLICT},
        examples=[
            ex.request("Deny", {"ids": [1201], "reason": "Returned orders"}),
            ex.response("Result", {"decided": 1, "skipped": {}}),
        ],
    )
    @action(detail=False, methods=["post"], url_path="deny")
    def deny_many(self, request: Request) -> Response:
        return self._decide_many(request, approve=False)


def _filter(data: dict[str, Any]) -> ConversionFilter:
    """The serializer's filter; the status defaults to awaiting (what is decided)."""
    return ConversionFilter(
        store=data.get("store"),
        campaign=data.get("campaign"),
        creator=data.get("creator"),
        month=data.get("month"),
        status=data.get("status") or Conversion.Status.AWAITING,
    )


def _selection(summary: SelectionSummary) -> dict[str, Any]:
    return {
        "count": summary.count,
        "totals": {cur: money_text(amount, cur) for cur, amount in summary.currencies},
        "version": summary.version,
    }
