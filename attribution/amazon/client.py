"""The Ads API calls (profiles, advertisers, publishers, tags, reports) for one connection,
with Amazon's errors translated into ours."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import requests
from django.conf import settings

from attribution.amazon._lib import Attribution, Metadata, Profiles, ad_exceptions
from attribution.amazon.errors import (
    NOT_AUTHORIZED_TEXT,
    AmazonAuthError,
    AmazonError,
    AmazonIneligible,
    AmazonInvalidMetric,
    AmazonProfileAccessError,
    AmazonRequestError,
    AmazonRetryable,
    _retry_after,
)
from attribution.amazon.marketplaces import (
    _MARKETPLACE,
    _check_region,
    _client_credentials,
    _refuse_overriding_env,
    api_url,
)
from attribution.amazon.tokens import TokenCache

T = TypeVar("T")
METADATA_PAGE = 300  # the product metadata API's largest `asins` list and `pageSize`


# --- Ads API -----------------------------------------------------------------------------------


# Where Amazon puts the text of an error. The Attribution spec's MaaSError says `details`
# ({"code": "400", "details": "..."}); Amazon's 429s and its not-eligible 400 carry `message`
# instead (Airbyte's Amazon Ads connector handles {"message": "This profileID is not authorized
# to use Amazon Attribution"}); Amazon's gateway answers with `Message`; other Ads APIs nest
# {"errors": [{"message": ...}]}. Whichever is there is what we show.
_MESSAGE_KEYS = ("details", "message", "Message", "errorDetails", "description")
# "Invalid metric <name>" (as public clients quote Amazon's 400) or the spec-style
# "Invalid metric for PERFORMANCE report: <name>".
_INVALID_METRIC = re.compile(
    r"invalid metric(?:s)?(?: for \w+ report)?\s*[:=]?\s*['\"]?([A-Za-z][\w-]*)", re.IGNORECASE
)


def _amazon_message(exc: ad_exceptions.AdvertisingApiException) -> str:
    body = exc.error
    if isinstance(body, bytes | bytearray):
        return body.decode("utf-8", "replace").strip()[:500]
    if not isinstance(body, dict):
        return str(body or "")
    for key in _MESSAGE_KEYS:
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    errors = body.get("errors")
    if isinstance(errors, list):
        texts = [_nested_message(e) for e in errors]
        if any(texts):
            return "; ".join(t for t in texts if t)
    return str(body.get("code") or body or "")


def _nested_message(error: object) -> str:
    if isinstance(error, dict):
        for key in _MESSAGE_KEYS:
            value = error.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


def _translate(exc: Exception) -> AmazonError:
    if isinstance(exc, requests.Timeout):
        return AmazonRetryable("Amazon did not answer in time.")
    if isinstance(exc, requests.ConnectionError):
        return AmazonRetryable("Amazon could not be reached.")
    if isinstance(exc, KeyError | ValueError):
        return AmazonRetryable(f"Amazon sent an unreadable answer ({exc.__class__.__name__}).")
    assert isinstance(exc, ad_exceptions.AdvertisingApiException)
    status = int(exc.code) if str(exc.code).isdigit() else None
    message = _amazon_message(exc)
    if NOT_AUTHORIZED_TEXT in message.lower() or status == 403:
        return AmazonIneligible(message or "Amazon refused access to this profile.", status=status)
    if status == 429:
        return AmazonRetryable(
            f"Amazon is throttling requests. {message}".strip(),
            status=429,
            retry_after=_retry_after(exc.headers),
        )
    if status is not None and status >= 500:
        return AmazonRetryable(
            f"Amazon had an error ({status}). {message}".strip(),
            status=status,
            retry_after=_retry_after(exc.headers),
        )
    if status == 401:
        return AmazonAuthError(
            f"Amazon did not accept the access token. {message}".strip(), status=401
        )
    metric = _INVALID_METRIC.search(message) if status == 400 else None
    if metric:
        return AmazonInvalidMetric(
            f"Amazon rejected the report metric {metric.group(1)}: {message}",
            metric=metric.group(1),
        )
    return AmazonRequestError(
        f"Amazon rejected the request ({status}). {message}".strip(), status=status
    )


@dataclass
class LeftOutMetrics:
    """Report metrics Amazon refused for one profile (400 `Invalid metric <name>`): left out of
    its report requests. `on_drop(metric, message)` records a newly refused one."""

    names: set[str] = field(default_factory=set)
    on_drop: Callable[[str, str], None] | None = None


class AmazonAds:
    """Calls for one Amazon connection (one Login-with-Amazon grant in one region).

    `left_out`: for a client that serves one store's reports, the metrics to leave out of its
    report requests; a metric Amazon refuses is added there (and recorded) and the page asked
    for again without it, instead of failing every sync."""

    def __init__(
        self,
        *,
        connection_key: str,
        region: str,
        refresh_token: str,
        left_out: LeftOutMetrics | None = None,
    ) -> None:
        _refuse_overriding_env()
        self.region = _check_region(region)
        self.tokens = TokenCache(connection_key, region, refresh_token)
        self.left_out = left_out

    def _call(
        self, client_class: type, profile_id: str | int | None, call: Callable[[Any], T]
    ) -> T:
        """Run `call(client)` with a fresh client; on 401 refresh the token once and retry.

        A 401 that the refreshed token does not cure is not about the grant (the refresh just
        worked; a dead grant fails the refresh with `invalid_grant`): for a call scoped to a
        profile it is that profile's access (Amazon: "Not authorized to access scope
        <profileId>"), which concerns that store only."""
        client_id, secret = _client_credentials()
        for attempt in (1, 2):
            token = self.tokens.get()
            credentials = {
                "refresh_token": "not-used",
                "client_id": client_id,
                "client_secret": secret,
            }
            if profile_id is not None:
                credentials["profile_id"] = str(profile_id)
            client = client_class(
                credentials=credentials,
                marketplace=_MARKETPLACE[self.region],
                access_token=token,
                timeout=settings.AMAZON_HTTP_TIMEOUT,
                verify_additional_credentials=profile_id is not None,
            )
            client.endpoint = api_url(self.region).rstrip("/")
            try:
                return call(client)
            except ad_exceptions.AdvertisingApiUnauthorizedException as exc:
                self.tokens.invalidate(token)
                if attempt == 2 and profile_id is not None:
                    message = _amazon_message(exc) or f"Not authorized to access {profile_id}"
                    raise AmazonProfileAccessError(message, status=401) from exc
                if attempt == 2:
                    raise _translate(exc) from exc
            except (
                ad_exceptions.AdvertisingApiException,
                requests.RequestException,
                KeyError,
                ValueError,
            ) as exc:
                raise _translate(exc) from exc
        raise AssertionError("unreachable")

    def profiles(self) -> list[dict[str, Any]]:
        return list(self._call(Profiles, None, lambda c: c.list_profiles().payload))

    def advertisers(self, profile_id: str | int) -> list[dict[str, Any]]:
        payload = self._call(Attribution, profile_id, lambda c: c.get_advertisers().payload)
        return list(payload.get("advertisers", []))

    def publishers(self, profile_id: str | int) -> list[dict[str, Any]]:
        payload = self._call(Attribution, profile_id, lambda c: c.get_publishers().payload)
        return list(payload.get("publisher", payload.get("publishers", [])))

    def non_macro_template_tags(
        self, profile_id: str | int, *, publisher_ids: list[str], advertiser_ids: list[str]
    ) -> dict[str, dict[str, str]]:
        """{advertiserId: {publisherId: tag}}. Fetching is mandatory before Amazon measures."""
        payload = self._call(
            Attribution,
            profile_id,
            lambda c: (
                c.get_non_macro_template_tag(
                    publisherIds=publisher_ids, advertiserIds=advertiser_ids
                ).payload
            ),
        )
        # The spec's schema wraps the map; its examples do not. Accept both.
        return dict(payload.get("advertiserAttributionTagMap", payload))

    def report_page(
        self, profile_id: str | int, body: dict[str, Any], cursor: str | None = ""
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of POST /attribution/report: (rows, next cursor or None on the last page).
        A response without `cursorId` is a last page."""
        page_body: dict[str, Any] = {**body, "cursorId": cursor or ""}
        while True:
            page_body = self._leave_out(page_body)
            try:
                payload = self._call(Attribution, profile_id, partial(_post_report, body=page_body))
            except AmazonInvalidMetric as exc:
                if self._drop(exc, page_body):
                    continue
                raise
            return list(payload.get("reports", [])), (payload.get("cursorId") or None)

    def _leave_out(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.left_out is None or not self.left_out.names or "metrics" not in body:
            return body
        metrics = [m for m in _metric_list(body) if m not in self.left_out.names]
        return {**body, "metrics": ",".join(metrics)}

    def _drop(self, exc: AmazonInvalidMetric, body: dict[str, Any]) -> bool:
        """Leave the refused metric out from now on; True when this page can be asked again
        without it (a first page that keeps at least one metric; a cursor is bound to the
        request it came from, so a later page fails this run and the next run leaves it out)."""
        metrics = _metric_list(body)
        if self.left_out is None or exc.metric not in metrics or len(metrics) < 2:
            return False
        if exc.metric not in self.left_out.names:
            self.left_out.names.add(exc.metric)
            if self.left_out.on_drop is not None:
                self.left_out.on_drop(exc.metric, exc.message)
        return not body.get("cursorId")

    def products_metadata(self, profile_id: str | int, asins: list[str]) -> dict[str, dict]:
        """Amazon's catalog data for these ASINs in the profile's marketplace: {ASIN: item}.

        `ad_api`'s `Metadata.get_products_metadata`, i.e. `POST /product/metadata` of Amazon
        Ads' product metadata API (OpenAPI `ProductSelector_prod_3p.json`; a public copy:
        vanling1111/amazon-ads-api-go-sdk, pkg/adsapi/product-metadata/api/swagger.yaml).
        Request: `pageIndex` and `pageSize` (1-300) required, `asins` (at most 300, ten
        characters each), `checkItemDetails: true` for title, image and price. Response:
        `{"ProductMetadataList": [{"asin", "title", "imageUrl", "availability", "priceToPay":
        {"amount", "currency"}, "basisPrice", "brand", "category", ...}], "cursorToken"}`.
        The API searches "the advertiser's inventory": an ASIN that does not exist (or is not
        the advertiser's) is simply missing from the list (amzn/ads-advanced-tools-docs issue
        479: "only returns data for ASINs belonging to our own store"), so a missing key here
        means Amazon does not know the ASIN for this store."""
        found: dict[str, dict] = {}
        unique = list(dict.fromkeys(a.upper() for a in asins))
        for start in range(0, len(unique), METADATA_PAGE):
            chunk = unique[start : start + METADATA_PAGE]
            body = {
                "asins": chunk,
                "checkItemDetails": True,
                "pageIndex": 0,
                "pageSize": len(chunk),
            }
            payload = self._call(Metadata, profile_id, partial(_products_metadata, body=body))
            items = payload.get("ProductMetadataList") if isinstance(payload, dict) else None
            for item in items or []:
                if isinstance(item, dict) and str(item.get("asin") or "").upper() in chunk:
                    found[str(item["asin"]).upper()] = item
        return found

    def report_pages(self, profile_id: str | int, body: dict[str, Any]) -> Iterator[list[dict]]:
        """Every page, following `cursorId` until it is empty. Retryable errors surface to the
        caller, which owns the retry budget (see attribution.sync.pull for resuming)."""
        cursor: str | None = ""
        while True:
            rows, cursor = self.report_page(profile_id, body, cursor)
            yield rows
            if not cursor:
                return


def _products_metadata(client: Any, body: dict[str, Any]) -> Any:
    return client.get_products_metadata(body=body).payload


def _metric_list(body: dict[str, Any]) -> list[str]:
    return [m.strip() for m in str(body.get("metrics") or "").split(",") if m.strip()]


def _post_report(client: Any, body: dict[str, Any]) -> dict[str, Any]:
    """POST /attribution/report without the library's `payload.pop("cursorId")`, which raises
    KeyError when Amazon leaves the key out (the last page sometimes does)."""
    response = client._request(
        "/attribution/report", data=json.dumps(body), params={"method": "POST"}
    )
    payload = response.payload
    if not isinstance(payload, dict):
        raise ValueError("report response is not an object")
    rows = payload.get("reports", [])
    if rows is None:  # seen from Amazon: a glitch, not "no rows"; asked again like a 5xx
        raise AmazonRetryable('Amazon sent a report page without its rows ("reports": null).')
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ValueError("report rows are not a list of objects")
    return payload
