from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tenancy.selectors import memberships_for_user

SWITCHER_SIZE = 15


def tenancy(request: HttpRequest) -> dict[str, Any]:
    """The organisation switcher and the current organisation, for the layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"signup_open": settings.SIGNUP_OPEN}
    return {
        # The switcher lists the first few; the landing page lists them all.
        "my_memberships": lambda: memberships_for_user(user=user, limit=SWITCHER_SIZE + 1),  # type: ignore[arg-type]
        "switcher_size": SWITCHER_SIZE,
        "organization": getattr(request, "organization", None),
        "membership": getattr(request, "membership", None),
    }
