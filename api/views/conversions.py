"""/api/v1/conversions/: the ledger's conversions, and approving or denying them."""

from __future__ import annotations

from typing import Any, cast

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api import examples as ex
from api import filters
from api.serializers import reporting as s
from api.views.base import TenantViewSet
from commissions.models import Conversion
from commissions.selectors.conversions import conversions_list
from commissions.services import conversions_decide
from tenancy.models import MANAGE_CAMPAIGNS, User


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
