"""/api/v1/activity/: every change to money, who made it, when, from what to what (owners,
admins and finance; keys with the admin or finance role)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from api import examples as ex
from api.serializers import activity as s
from api.views.base import TenantViewSet
from audit.display import ActivityRow, activity_rows
from audit.selectors import ActivityFilter, activity_page, cursor_decode, cursor_encode
from tenancy.models import VIEW_FINANCE, Membership
from tenancy.selectors import members_list

EXAMPLE = {
    "id": "campaign-812",
    "time": "2026-11-03T09:12:44.120311Z",
    "what": "campaign",
    "what_label": "Campaign terms",
    "event": "changed",
    "object": 7,
    "object_label": "Spring launch",
    "actor": {
        "type": "user",
        "label": "manager@acme.test",
        "user": 5,
        "email": "manager@acme.test",
        "api_key": "",
        "name": "",
    },
    "url": "/o/acme/campaigns/7/edit/",
    "currency": "",
    "changes": [
        {
            "field": "default_commission_rate",
            "label": "Default commission rate",
            "before": "10.00",
            "after": "12.50",
            "before_display": "10.00 %",
            "after_display": "12.50 %",
        }
    ],
}


@extend_schema_view(
    list=extend_schema(
        summary="Activity: the audit trail of changes to money",
        description="Changes to campaign terms (rates, basis, settlement days, dates, status), "
        "creators' overrides, conversions' approvals, denials and payments, payouts, the "
        "Amazon connection and stores, and members' roles: who (a member, an API key, or a "
        "scheduled job or command), when, and each field from what to what. Recorded by the "
        "database in the same transaction as the change. Newest first; paginated by `cursor`.",
        parameters=[s.ActivityQuerySerializer],
        responses={200: s.ActivityPageSerializer},
        examples=[ex.response("Activity", {"next": None, "results": [EXAMPLE]})],
    )
)
class ActivityViewSet(TenantViewSet):
    pagination_class = None  # type: ignore[assignment]  # its own keyset cursor
    model = Membership
    serializer_class = s.ActivitySerializer
    read_roles = VIEW_FINANCE

    def scoped_queryset(self) -> Any:
        return members_list().none()

    def list(self, request: Request) -> Response:
        params = s.ActivityQuerySerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        flt = ActivityFilter(
            kinds=(data["what"],) if data.get("what") else (),
            actor=data.get("who", ""),
            object_id=data.get("object"),
            start=data.get("start"),
            end=data.get("end"),
        )
        before = None
        if data.get("cursor"):
            try:
                before = cursor_decode(data["cursor"])
            except ValueError:
                raise exceptions.ValidationError({"cursor": ["Invalid cursor."]}) from None
        events, more = activity_page(flt, before=before, size=data["page_size"])
        rows = activity_rows(events)
        next_url = None
        if more and rows:
            next_url = replace_query_param(
                request.build_absolute_uri(), "cursor", cursor_encode(rows[-1].event.cursor)
            )
        return Response({"next": next_url, "results": [_row(r) for r in rows]})


def _row(row: ActivityRow) -> dict[str, Any]:
    actor = row.actor
    return {
        "id": row.event.uid,
        "time": row.at.isoformat().replace("+00:00", "Z"),
        "what": row.event.kind,
        "what_label": row.what,
        "event": row.event.label,
        "object": row.event.object_id,
        "object_label": row.object_label,
        "actor": {
            "type": actor.kind,
            "label": actor.label,
            "user": actor.user_id,
            "email": actor.email,
            "api_key": actor.api_key,
            "name": actor.name,
        },
        "url": row.url,
        "currency": row.currency,
        "changes": [
            {
                "field": c.field,
                "label": c.label,
                "before": c.before,
                "after": c.after,
                "before_display": c.before_display,
                "after_display": c.after_display,
            }
            for c in row.changes
        ],
    }
