"""The one place that talks to Amazon (Login with Amazon and the Ads API) and the only package
that imports `ad_api` (python-amazon-ad-api, in `_lib`). Everything else calls the functions and the
`AmazonAds` class here and handles the errors defined here.

What this wrapper fixes about the library (see ../shared/amazon-attribution.md):
- a new client per call, with an explicit `marketplace=` and `timeout=`;
- our own access-token cache per connection in Redis (refreshed five minutes early, one
  refresh at a time per connection, refreshed once and retried on 401), passed as
  `access_token=`, instead of the library's process-wide cache of ten;
- base URL and token URL from settings (`AMAZON_ADS_API_URL`, `AMAZON_LWA_TOKEN_URL`), so the
  same code talks to Amazon, the sandbox or any stand-in;
- refuses to run when `AD_API_*` credential variables would override tenant credentials;
- keeps the library's import-time `logging.basicConfig` from taking over logging;
- turns throttling, 5xx, timeouts and connection errors into `AmazonRetryable` (with a wait),
  and 400/403/404 into terminal errors carrying Amazon's message (from `details` or `message`,
  whichever the body has);
- tells a dead grant (`invalid_grant`: the whole connection) from one profile's withdrawn
  access (a 401 a fresh token does not cure: that store only);
- leaves report metrics Amazon refused for a store out of its requests, and retries a page
  without a metric Amazon has just refused;
- pages reports by `cursorId`, surviving a response without one.
Tokens are never logged.
"""

from attribution.amazon.client import AmazonAds, LeftOutMetrics
from attribution.amazon.errors import (
    AmazonAuthError,
    AmazonConfigurationError,
    AmazonError,
    AmazonIneligible,
    AmazonInvalidMetric,
    AmazonProfileAccessError,
    AmazonRequestError,
    AmazonRetryable,
)
from attribution.amazon.lwa import TokenGrant, exchange_code, refresh_access_token
from attribution.amazon.marketplaces import (
    MARKETPLACE_TIME_ZONES,
    REGIONS,
    SCOPE,
    api_url,
    authorize_url,
    token_url,
)
from attribution.amazon.tokens import TokenCache

__all__ = [
    "MARKETPLACE_TIME_ZONES",
    "REGIONS",
    "SCOPE",
    "AmazonAds",
    "AmazonAuthError",
    "AmazonConfigurationError",
    "AmazonError",
    "AmazonIneligible",
    "AmazonInvalidMetric",
    "AmazonProfileAccessError",
    "AmazonRequestError",
    "AmazonRetryable",
    "LeftOutMetrics",
    "TokenCache",
    "TokenGrant",
    "api_url",
    "authorize_url",
    "exchange_code",
    "refresh_access_token",
    "token_url",
]
