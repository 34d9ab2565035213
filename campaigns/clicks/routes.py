"""The short-link route cache: `clicks:route:<code>` → what the redirect needs, so a known
code costs no SQL. Services publish a link's route when it is created or changes (overwrite,
after commit); the redirect loads a missing one from PostgreSQL and stores it only if nothing
newer was published meanwhile (put-if-absent), so a stale read cannot resurrect a disabled
link."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection, transaction

from campaigns.clicks import keys
from tenancy.scoping import tenant_scope

if TYPE_CHECKING:
    from campaigns.models import AffiliateLink

log = logging.getLogger(__name__)

ROUTE_TTL = 7 * 24 * 3600
UNKNOWN_TTL = 300

# Store the route unless one exists already.
_PUT_IF_ABSENT = keys.Script("""
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
""")


def route_for(link: AffiliateLink) -> dict[str, str]:
    """The cached route of a link (its product and campaign creator loaded)."""
    product = link.product
    return {
        "link": str(link.pk),
        "org": str(link.organization_id),
        "dest": link.destination_url,
        "active": "1" if link.is_active else "0",
        "creator": str(link.campaign_creator.creator_id),
        "title": (product.title or f"Product {product.asin}") if product else "Brand store",
        "asin": product.asin if product else "",
    }


def routes_publish(links: Iterable[AffiliateLink]) -> None:
    """Overwrite the cached routes of these links. Errors are logged: a route that could not be
    written is loaded from PostgreSQL on the next miss (the old one expires)."""
    try:
        pipe = keys.client().pipeline(transaction=False)
        for n, link in enumerate(links, 1):
            key = keys.route_key(link.code)
            pipe.delete(key)
            pipe.hset(key, mapping=dict(route_for(link)))  # type: ignore[arg-type]
            pipe.expire(key, keys.setting("CLICKS_ROUTE_TTL_SECONDS", ROUTE_TTL))
            if n % 1000 == 0:
                pipe.execute()
        pipe.execute()
    except Exception:
        log.exception("could not publish short-link routes")


def routes_publish_on_commit(link_ids: list[int], organization_id: int) -> None:
    """After the transaction commits, publish the routes of these links (re-read, so the cache
    gets what was committed)."""
    if not link_ids:
        return

    def publish() -> None:
        from campaigns.models import AffiliateLink

        with tenant_scope(organization_id):
            links = list(
                AffiliateLink.objects.filter(pk__in=link_ids).select_related(
                    "product", "campaign_creator"
                )
            )
        routes_publish(links)

    transaction.on_commit(publish)


def route_load(code: str) -> dict[str, str] | None:
    """Read one link by its code from PostgreSQL, across tenants. Row-level security lets this
    transaction see exactly the row whose code is in `app.link_code`; the rest of the route is
    read inside that link's tenant scope."""
    from campaigns.models import AffiliateLink

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.link_code', %s, true)", [code])
        # unscoped: the redirect route lookup has no tenant in its URL (design.md, tenancy).
        found = AffiliateLink.unscoped.filter(code=code).values_list("pk", "organization_id")
        row = found.first()
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.link_code', '', true)")
    if row is None:
        return None
    link_id, organization_id = row
    with tenant_scope(organization_id):
        link = (
            AffiliateLink.objects.filter(pk=link_id)
            .select_related("product", "campaign_creator")
            .first()
        )
        return route_for(link) if link else None


def route_cache_fill(code: str, route: dict[str, str] | None) -> None:
    """Cache a loaded route (or that the code is unknown) unless a route was published since."""
    key = keys.route_key(code)
    if route is None:
        args: list[str | int] = [UNKNOWN_TTL, "active", "0"]
    else:
        args = [keys.setting("CLICKS_ROUTE_TTL_SECONDS", ROUTE_TTL)]
        for field, value in route.items():
            args += [field, value]
    keys.run_script(_PUT_IF_ABSENT, [key], args)
