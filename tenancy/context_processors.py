from typing import Any

from django.http import HttpRequest

from tenancy.selectors import memberships_for_user


def tenancy(request: HttpRequest) -> dict[str, Any]:
    """The organisation switcher and the current organisation, for the layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_memberships": lambda: memberships_for_user(user=user),  # type: ignore[arg-type]
        "organization": getattr(request, "organization", None),
        "membership": getattr(request, "membership", None),
    }
