"""The base of every API view: the tenant is resolved once per request, before permissions,
from the API key's organisation, or, for a signed-in member's session, from the organisation
named in the `X-Organization` header (or `?org=`), and activated in the request's transaction
(ATOMIC_REQUESTS) for both the fail-closed managers and row-level security. The caller's role
(the key's, or the member's) is then checked against the view's `read_roles`/`write_roles`
(or `action_roles`). Subclasses declare querysets, serializers and roles; they cannot replace
authentication, tenant resolution, permissions or throttling (`__init_subclass__` refuses).
Another tenant's object and a missing one are the same 404."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.db.models import Model
from django.http import Http404
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.viewsets import GenericViewSet

from api.authentication import ApiKeyAuthentication, ApiKeyPrincipal
from api.models import ApiKey
from api.pagination import ApiCursorPagination
from api.parsers import JSONParser
from api.services import api_key_touch
from api.throttling import ApiKeyRateThrottle
from tenancy.access import access_organization_by_slug
from tenancy.models import ANY_ROLE, MANAGE_CAMPAIGNS, Organization, User
from tenancy.scoping import activate_tenant

ORG_HEADER = "HTTP_X_ORGANIZATION"
PROTECTED = frozenset(
    {
        "dispatch",
        "initial",
        "initialize_request",
        "perform_authentication",
        "check_permissions",
        "check_object_permissions",
        "check_throttles",
        "get_authenticators",
        "get_permissions",
        "get_throttles",
        "authentication_classes",
        "permission_classes",
        "throttle_classes",
        "resolve_tenant",
    }
)


class RolePermission(BasePermission):
    """The caller's role in the tenant must be one the view allows for this action."""

    message = "Your role does not allow this."

    def has_permission(self, request: Request, view: Any) -> bool:
        role = getattr(request, "role", None)
        return role is not None and role in view.roles_for(request)


class TenantViewSet(GenericViewSet):
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [RolePermission]
    throttle_classes = [ApiKeyRateThrottle]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    pagination_class = ApiCursorPagination

    read_roles: ClassVar[frozenset[str]] = ANY_ROLE
    write_roles: ClassVar[frozenset[str]] = MANAGE_CAMPAIGNS
    action_roles: ClassVar[dict[str, frozenset[str]]] = {}

    organization: Organization
    # The model of get_queryset(): lets the schema generator (which has no tenant) type ids.
    model: ClassVar[type[Model] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        overridden = PROTECTED & set(vars(cls))
        if overridden:
            raise TypeError(
                f"{cls.__name__} may not override {sorted(overridden)}: tenant resolution, "
                "authentication, permissions and throttling live in TenantViewSet only."
            )

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False) and self.model is not None:
            # Schema generation only: no tenant, no request, no rows.
            return self.model._default_manager.none()
        return self.scoped_queryset()

    def scoped_queryset(self) -> Any:
        """The view's objects: a selector's queryset (the tenant's default manager, which fails
        closed). Views and serializers never touch `Model.objects` (tests/test_architecture.py)."""
        raise NotImplementedError

    def roles_for(self, request: Request) -> frozenset[str]:
        action = getattr(self, "action", None)
        if action in self.action_roles:
            return self.action_roles[action]
        return self.read_roles if request.method in ("GET", "HEAD", "OPTIONS") else self.write_roles

    def perform_authentication(self, request: Request) -> None:
        user = request.user
        if user is None or not user.is_authenticated:
            raise exceptions.NotAuthenticated(
                "Send an API key (Authorization: Bearer <key>) or sign in."
            )
        self.resolve_tenant(request)

    def resolve_tenant(self, request: Request) -> None:
        if isinstance(request.auth, ApiKey):
            # A key belongs to one organisation: X-Organization / ?org= are not consulted.
            key = request.auth
            organization = key.organization
            activate_tenant(organization)
            role = key.role
            api_key_touch(api_key=key)
        else:
            slug = request.META.get(ORG_HEADER) or request.query_params.get("org") or ""
            if not slug:
                raise exceptions.ValidationError(
                    {"X-Organization": "Name the organisation (its slug) in this header."}
                )
            try:
                organization, membership = access_organization_by_slug(
                    user=cast(User, request.user), slug=slug[:50]
                )
            except Http404 as exc:  # in the API's format, with its message
                raise exceptions.NotFound(str(exc)) from None
            role = membership.role
        self.organization = organization
        request.organization = organization  # type: ignore[attr-defined]
        request.role = role  # type: ignore[attr-defined]

    @property
    def actor(self) -> User | None:
        """The person acting (None for an API key: keys act for the organisation)."""
        user = self.request.user
        return None if isinstance(user, ApiKeyPrincipal) else user  # type: ignore[return-value]

    @property
    def api_key(self) -> ApiKey | None:
        auth = self.request.auth
        return auth if isinstance(auth, ApiKey) else None


def valid(serializer_class: Any, request: Request, **kwargs: Any) -> dict[str, Any]:
    """The request body validated by `serializer_class` (400 in the API's format if not)."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def raise_field(field: str, message: str) -> None:
    raise exceptions.ValidationError({field: [message]})
