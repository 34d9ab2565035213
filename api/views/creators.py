"""/api/v1/creators/. Writes go through the apps' services; the view only translates."""

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
from api.views.base import TenantViewSet, valid
from creators import services as creator_services
from creators.models import Creator
from creators.selectors import creators_all


@extend_schema_view(
    list=extend_schema(summary="List creators", examples=[ex.response("Creators", [ex.CREATOR])]),
    retrieve=extend_schema(summary="Get a creator", examples=[ex.response("Creator", ex.CREATOR)]),
    create=extend_schema(
        summary="Create a creator",
        request=s.CreatorWriteSerializer,
        responses={201: s.CreatorSerializer},
        examples=[
            ex.request(
                "New creator",
                {"name": "Jane Doe", "email": "jane@example.com", "handle": "@janedoe"},
            ),
            ex.response("Creator", ex.CREATOR, "201"),
        ],
    ),
    partial_update=extend_schema(
        summary="Change a creator",
        request=s.CreatorUpdateSerializer,
        examples=[
            ex.request("New handle", {"handle": "@jane"}),
            ex.response("Creator", {**ex.CREATOR, "handle": "@jane"}),
        ],
    ),
)
class CreatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    model = Creator
    serializer_class = s.CreatorSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.CreatorFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self) -> Any:
        return creators_all()

    def create(self, request: Request) -> Response:
        data = valid(s.CreatorWriteSerializer, request)
        creator = creator_services.creator_create(**data)
        return Response(s.CreatorSerializer(creator).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        creator = self.get_object()
        data = valid(s.CreatorUpdateSerializer, request)
        current = {
            "name": creator.name,
            "email": creator.email,
            "handle": creator.handle,
            "channels": creator.channels,
        }
        creator = creator_services.creator_update(creator=creator, **{**current, **data})
        return Response(s.CreatorSerializer(creator).data)
