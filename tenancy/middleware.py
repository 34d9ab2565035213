from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tenancy.scoping import deactivate_tenant


class TenantScopeResetMiddleware:
    """The tenant set by a view lives for one request only (threads are reused)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        deactivate_tenant()
        try:
            return self.get_response(request)
        finally:
            deactivate_tenant()
