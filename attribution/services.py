"""Connecting Amazon Ads: the OAuth flow, profiles to stores, disconnect. Tenant in scope."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone

from attribution import amazon
from attribution.lock_objects import store_lock
from attribution.models import REGION_COUNTRIES, AmazonConnection, Region, Store, SyncRun
from tenancy.models import Organization, User
from tenancy.scoping import tenant_scope

OAUTH_STATE_SALT = "attribution.oauth-state"
OAUTH_STATE_MAX_AGE = 15 * 60
OAUTH_SESSION_KEY = "amazon_oauth_nonce"
LEGACY_SUBTYPE = "AMAZON_ATTRIBUTION"


class ConnectError(Exception):
    """A step of connecting failed; `message` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def ads_client(connection: AmazonConnection) -> amazon.AmazonAds:
    return amazon.AmazonAds(
        connection_key=connection.token_cache_key,
        region=connection.region,
        refresh_token=connection.refresh_token,
    )


def store_ads_client(store: Store) -> amazon.AmazonAds:
    """The client for one store's reports: it leaves out the metrics Amazon refused for the
    store, and records one Amazon refuses now (then asks again without it) instead of failing
    the sync every day."""
    client = ads_client(store.connection)
    client.left_out = amazon.LeftOutMetrics(
        names=set(store.dropped_metric_names),
        on_drop=partial(
            store_metric_dropped, organization_id=store.organization_id, store_id=store.pk
        ),
    )
    return client


def store_metric_dropped(metric: str, message: str, *, organization_id: int, store_id: int) -> None:
    """Record on the store that Amazon refused `metric` (400 `Invalid metric <name>`): later
    syncs leave it out and the sync page names it. Its own transaction: the pull that meets the
    refusal holds none."""
    with tenant_scope(organization_id):
        store = store_lock(store_id=store_id)
        if store is None or metric in store.dropped_metric_names:
            return
        entry = {"metric": metric, "dropped_at": timezone.now().isoformat(), "message": message}
        store.dropped_metrics = [*(store.dropped_metrics or []), entry]
        store.save(update_fields=["dropped_metrics"])


# --- OAuth (browser) ---------------------------------------------------------------------------


def oauth_start(
    *,
    organization: Organization,
    session: Any,
    region: str,
    redirect_uri: str,
    connection: AmazonConnection | None = None,
) -> str:
    """The Login-with-Amazon URL to send the user to. `state` is signed, names the organisation
    (and the connection when reconnecting) and carries a nonce kept in the session."""
    if region not in Region.values:
        raise ConnectError("Pick a region: North America, Europe or Far East.")
    nonce = secrets.token_urlsafe(16)
    session[OAUTH_SESSION_KEY] = nonce
    state = signing.dumps(
        {"o": organization.pk, "r": region, "n": nonce, "c": connection.pk if connection else None},
        salt=OAUTH_STATE_SALT,
    )
    try:
        return amazon.authorize_url(region=region, state=state, redirect_uri=redirect_uri)
    except amazon.AmazonError as exc:
        raise ConnectError(exc.message) from exc


@dataclass(frozen=True)
class OAuthState:
    organization_id: int
    region: str
    connection_id: int | None


def oauth_state_verify(*, state: str, session: Any) -> OAuthState:
    """Check the callback's `state` against its signature, age and this session's nonce."""
    try:
        data = signing.loads(state, salt=OAUTH_STATE_SALT, max_age=OAUTH_STATE_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ConnectError("The Amazon sign-in took too long. Please start again.") from exc
    except signing.BadSignature as exc:
        raise ConnectError(
            "The answer from Amazon could not be verified. Please start again."
        ) from exc
    nonce = session.pop(OAUTH_SESSION_KEY, None)
    if not nonce or not secrets.compare_digest(str(nonce), str(data.get("n"))):
        raise ConnectError(
            "The answer from Amazon does not belong to this browser session. Please start again."
        )
    return OAuthState(int(data["o"]), str(data["r"]), data.get("c"))


def oauth_complete(
    *, user: User, state: OAuthState, code: str, redirect_uri: str
) -> AmazonConnection:
    """Exchange the code for a refresh token and keep it (encrypted) on a connection."""
    try:
        grant = amazon.exchange_code(region=state.region, code=code, redirect_uri=redirect_uri)
    except amazon.AmazonError as exc:
        raise ConnectError(
            f"{exc.message} The authorization code may have expired; please connect again."
            if isinstance(exc, amazon.AmazonAuthError)
            else exc.message
        ) from exc
    if not grant.refresh_token:
        raise ConnectError("Amazon did not return a refresh token. Please connect again.")
    return connection_save_grant(
        user=user,
        region=state.region,
        refresh_token=grant.refresh_token,
        connection_id=state.connection_id,
    )


def connection_save_grant(
    *, user: User | None, region: str, refresh_token: str, connection_id: int | None = None
) -> AmazonConnection:
    connection = None
    if connection_id is not None:
        connection = AmazonConnection.objects.filter(pk=connection_id).first()
    if connection is None:
        connection = AmazonConnection(region=region)
    connection.refresh_token = refresh_token
    connection.connected_by = user
    connection.status = (
        AmazonConnection.Status.ACTIVE
        if connection.pk and connection.stores.exists()
        else AmazonConnection.Status.PENDING
    )
    connection.last_error = ""
    connection.last_error_at = None
    connection.save()
    if connection.status == AmazonConnection.Status.ACTIVE:
        # Reconnecting is also how a store whose profile access was withdrawn is tried again:
        # if Amazon still refuses it, its next sync marks it again.
        connection.stores.filter(
            status__in=[Store.Status.DISCONNECTED, Store.Status.NO_ACCESS]
        ).update(status=Store.Status.ACTIVE, status_message="")
    return connection


# --- Profiles and stores -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileChoice:
    profile_id: int
    country_code: str
    currency_code: str
    timezone: str
    account_name: str
    account_type: str
    marketplace_id: str
    already_connected: bool


def connection_record_error(*, connection: AmazonConnection, error: amazon.AmazonError) -> None:
    connection.last_error = error.message
    connection.last_error_at = timezone.now()
    fields = ["last_error", "last_error_at", "updated_at"]
    if isinstance(error, amazon.AmazonAuthError):
        connection.status = AmazonConnection.Status.NEEDS_REAUTH
        fields.append("status")
    connection.save(update_fields=fields)


def connection_profiles(*, connection: AmazonConnection) -> list[ProfileChoice]:
    """Eligible profiles of the grant in its region; legacy Attribution-only profiles skipped."""
    try:
        raw = ads_client(connection).profiles()
    except amazon.AmazonError as exc:
        connection_record_error(connection=connection, error=exc)
        raise ConnectError(exc.message) from exc
    existing = set(connection.stores.values_list("profile_id", flat=True))
    countries = REGION_COUNTRIES[Region(connection.region)]
    choices = []
    for p in raw:
        info = p.get("accountInfo") or {}
        if info.get("subType") == LEGACY_SUBTYPE or p.get("countryCode") not in countries:
            continue
        choices.append(
            ProfileChoice(
                profile_id=int(p["profileId"]),
                country_code=p["countryCode"],
                currency_code=p.get("currencyCode", ""),
                timezone=p.get("timezone")
                or amazon.MARKETPLACE_TIME_ZONES.get(p["countryCode"], "UTC"),
                account_name=info.get("name", ""),
                account_type=info.get("type", ""),
                marketplace_id=info.get("marketplaceStringId", ""),
                already_connected=int(p["profileId"]) in existing,
            )
        )
    return choices


def stores_create(
    *, connection: AmazonConnection, profile_ids: list[int] | None = None
) -> list[Store]:
    """One store per chosen profile (all eligible ones when None), with its advertiser. A
    profile Amazon refuses for Attribution becomes an ineligible store, never retried."""
    choices = connection_profiles(connection=connection)
    if profile_ids is not None:
        known = {c.profile_id for c in choices}
        unknown = [p for p in profile_ids if p not in known]
        if unknown:
            raise ConnectError(
                "Not an eligible profile of this Amazon account: "
                + ", ".join(str(p) for p in unknown)
            )
        choices = [c for c in choices if c.profile_id in set(profile_ids)]
    if not choices:
        raise ConnectError(
            "This Amazon account has no eligible advertising profile in "
            f"{Region(connection.region).label}."
        )
    client = ads_client(connection)
    stores = []
    for choice in choices:
        status, message, advertiser = Store.Status.ACTIVE, "", {}
        try:
            advertisers = _profile_advertisers(client, choice.profile_id)
            advertiser = advertisers[0] if len(advertisers) == 1 else {}
            if not advertisers:
                status = Store.Status.INELIGIBLE
                message = "Amazon lists no Attribution advertiser for this profile."
            elif not advertiser:
                status = Store.Status.INELIGIBLE
                message = (
                    "Amazon no longer lists advertisers and its tag names several for this "
                    "profile; connect a profile with one advertiser (an Amazon Ads console "
                    "profile)."
                )
        except amazon.AmazonIneligible as exc:
            status = Store.Status.INELIGIBLE
            message = (
                f"Amazon says: {exc.message}. Ask Amazon Ads support to enable Amazon "
                "Attribution for this account, then reconnect."
            )
        except amazon.AmazonError as exc:
            connection_record_error(connection=connection, error=exc)
            raise ConnectError(exc.message) from exc
        with transaction.atomic():
            store, _ = Store.objects.update_or_create(
                profile_id=choice.profile_id,
                defaults={
                    "connection": connection,
                    "country_code": choice.country_code,
                    "marketplace_id": choice.marketplace_id,
                    "currency_code": choice.currency_code,
                    "timezone": choice.timezone,
                    "account_name": choice.account_name,
                    "account_type": choice.account_type,
                    "advertiser_id": str(advertiser.get("advertiserId", "")),
                    "advertiser_name": advertiser.get("advertiserName", ""),
                    "status": status,
                    "status_message": message,
                },
            )
        stores.append(store)
    connection.status = AmazonConnection.Status.ACTIVE
    connection.last_error = ""
    connection.save(update_fields=["status", "last_error", "updated_at"])
    return stores


def _profile_advertisers(client: amazon.AmazonAds, profile_id: int) -> list[dict[str, Any]]:
    """The profile's Attribution advertisers. Amazon's how-to marks `/attribution/advertisers`
    for deprecation; when it answers 404/410 the advertiser comes from the non-macro template
    tag instead: asked for without `advertiserIds` ("omitted: all advertisers", Attribution
    OpenAPI), the tag map is keyed by the advertiser ids the tag carries. Console profiles have
    exactly one advertiser (how-to). Fetching a tag also enables measurement (troubleshooting
    guide), which a store needs anyway."""
    try:
        return client.advertisers(profile_id)
    except amazon.AmazonRequestError as exc:
        if exc.status not in (404, 410):
            raise
    publishers = [p for p in client.publishers(profile_id) if publisher_is_non_macro(p)]
    if not publishers:
        return []
    tags = client.non_macro_template_tags(
        profile_id, publisher_ids=[str(publishers[0]["id"])], advertiser_ids=[]
    )
    return [{"advertiserId": str(key), "advertiserName": ""} for key in tags if str(key).strip()]


def publisher_is_non_macro(publisher: dict[str, Any]) -> bool:
    """Amazon's rule (Attribution how-to; the `Publisher` schema of its OpenAPI): non-macro
    template tags are for publishers with `macroEnabled == false`; macro-enabled ones (Google,
    Meta, Microsoft Ads, Pinterest ...) fill the ids in themselves. Missing or anything but
    false is not offered."""
    value = publisher.get("macroEnabled")
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def connection_create_headless(
    *, region: str, refresh_token: str, profile_ids: list[int] | None = None
) -> tuple[AmazonConnection, list[Store]]:
    """The operator's path (connect_amazon): the same as the browser flow after the code
    exchange. Nothing is kept when no store can be created."""
    if region not in Region.values:
        raise ConnectError(f"Unknown region {region!r}; use NA, EU or FE.")
    with transaction.atomic():
        connection = connection_save_grant(user=None, region=region, refresh_token=refresh_token)
        try:
            stores = stores_create(connection=connection, profile_ids=profile_ids)
        except ConnectError:
            transaction.set_rollback(True)
            raise
    return connection, stores


def connection_disconnect(*, connection: AmazonConnection) -> None:
    """Forget the grant; stores and their data stay, marked disconnected."""
    connection.refresh_token = ""
    connection.status = AmazonConnection.Status.DISCONNECTED
    connection.save(update_fields=["refresh_token_encrypted", "status", "updated_at"])
    connection.stores.update(
        status=Store.Status.DISCONNECTED,
        status_message="The Amazon Ads connection was disconnected.",
    )


def store_mark_ineligible(*, store: Store, message: str) -> None:
    store.status = Store.Status.INELIGIBLE
    store.status_message = message
    store.save(update_fields=["status", "status_message"])


def store_record_refusal(*, store: Store, error: amazon.AmazonError) -> str:
    """Amazon refused this one store (its profile), not the connection: mark the store with
    Amazon's message and what to do; the connection's other stores keep syncing. Returns the
    status its sync run ends with."""
    if isinstance(error, amazon.AmazonProfileAccessError):
        store.status = Store.Status.NO_ACCESS
        store.status_message = (
            f"Amazon says: {error.message}. The Amazon account that connected this store no "
            "longer has access to this advertising profile. Ask an administrator of the Amazon "
            "Ads account to give it access again, then press Sync now (or reconnect Amazon Ads "
            "in Settings). The connection's other stores keep syncing."
        )
        store.save(update_fields=["status", "status_message"])
        return SyncRun.Status.FAILED
    store_mark_ineligible(
        store=store,
        message=(
            f"Amazon says: {error.message}. Ask Amazon Ads support to enable Amazon "
            "Attribution for this account, then reconnect."
        ),
    )
    return SyncRun.Status.INELIGIBLE


def store_access_recheck(*, store: Store) -> bool:
    """For a store whose profile access was withdrawn: ask Amazon again (a cheap call scoped
    to the profile). True, and the store is active again, when Amazon answers."""
    try:
        ads_client(store.connection).publishers(store.profile_id)
    except (amazon.AmazonProfileAccessError, amazon.AmazonIneligible) as exc:
        store_record_refusal(store=store, error=exc)
        return False
    store.status, store.status_message = Store.Status.ACTIVE, ""
    store.save(update_fields=["status", "status_message"])
    return True
