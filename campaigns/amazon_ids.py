"""Amazon's rules for attribution ids and tagged URLs, with no database access.

- `aa_campaignid`, `aa_adgroupid`, `aa_creativeid`: at most 255 characters, none of
  / & = # ? + ' " % $ (nor the typographic quotes), chosen once and never changed. We make
  them readable slugs (`spring-launch-2026-us-7q2m`, `jane-doe`, `jane-doe-b0example1`) and
  de-duplicate with a numeric suffix (`jane-doe-2`).
- An `aa_campaignid` must never be reused across advertisers or marketplaces: Amazon's
  Attribution how-to and troubleshooting guides say a reused one gives clicks with no
  conversions. A campaign id ends in a short mark of its store (`us-7q2m`: the marketplace and
  four characters derived from the advertiser), so ids of different stores rarely meet; the
  installation-wide registry of minted ids (`campaigns.models.MintedCampaignId`) makes them
  never meet, also when two organisations connect the same advertiser.
- A destination is the store's marketplace product (`/dp/<ASIN>`) or store page
  (`/stores/page/<id>`) URL, then the tracking plan's template tag, then the three ids; any
  `tag=`/`ref_=` already on the landing URL is removed. Its host is always an Amazon
  marketplace host (or the sandbox in sandbox mode): `destination_allowed` is checked when a
  link is created and again by the redirect.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import parse_qsl, quote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify

MAX_ID_LENGTH = 255
# Generated ids stay well under the limit; suffixes and composition have room.
SLUG_LENGTH = 60
FORBIDDEN_ID_CHARS = frozenset("/&=#?+'\"%$\u2018\u2019\u201c\u201d")
ID_PARAMS = ("aa_campaignid", "aa_adgroupid", "aa_creativeid")
# Landing-URL parameters that would break or hijack measurement.
STRIPPED_PARAMS = frozenset({"tag", "ref_", "ref", "maas", *ID_PARAMS})

MARKETPLACE_TLDS: dict[str, str] = {
    "US": "com",
    "CA": "ca",
    "UK": "co.uk",
    "GB": "co.uk",
    "DE": "de",
    "FR": "fr",
    "IT": "it",
    "ES": "es",
    "JP": "co.jp",
    "AU": "com.au",
    "MX": "com.mx",
    "BR": "com.br",
    "NL": "nl",
    "SE": "se",
    "PL": "pl",
    "BE": "com.be",
    "IN": "in",
    "SG": "sg",
    "AE": "ae",
    "SA": "sa",
    "TR": "com.tr",
    "EG": "eg",
    "IE": "ie",
}
AMAZON_HOSTS = frozenset(f"www.amazon.{tld}" for tld in MARKETPLACE_TLDS.values())
ASIN_RE = re.compile(r"^[A-Z0-9]{10}$")
STORE_PAGE_ID_RE = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_STORE_PAGE_PATH_RE = re.compile(r"^/stores/(?:[^/]+/)?page/([A-Za-z0-9-]{1,64})/?$")


# --- ids ---------------------------------------------------------------------------------------


def amazon_id_problem(value: object) -> str | None:
    """Why `value` is not a valid aa_* id, or None."""
    if not isinstance(value, str) or not value:
        return "An Amazon id cannot be empty."
    if len(value) > MAX_ID_LENGTH:
        return f"An Amazon id has at most {MAX_ID_LENGTH} characters."
    bad = sorted(set(value) & FORBIDDEN_ID_CHARS)
    if bad:
        return "An Amazon id cannot contain " + " ".join(bad) + "."
    if any(ch.isspace() or not ch.isprintable() for ch in value):
        return "An Amazon id cannot contain spaces or control characters."
    return None


def validate_amazon_id(value: object) -> None:
    problem = amazon_id_problem(value)
    if problem:
        raise ValidationError(problem, code="amazon_id")


def id_slug(text: str, *, fallback: str) -> str:
    """A readable id part: lower-case ASCII letters, digits and hyphens."""
    slug = re.sub(r"[^a-z0-9]+", "-", slugify(text or ""))[:SLUG_LENGTH].strip("-")
    return slug or fallback


def id_candidates(base: str) -> Iterator[str]:
    """`base`, `base-2`, `base-3`, ...: the ids to try, in order."""
    yield base
    n = 1
    while True:
        n += 1
        suffix = f"-{n}"
        yield base[: MAX_ID_LENGTH - len(suffix)] + suffix


def unique_id(base: str, taken: Callable[[str], bool] | Iterable[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... whichever is not taken."""
    is_taken = taken if callable(taken) else set(taken).__contains__
    return next(candidate for candidate in id_candidates(base) if not is_taken(candidate))


def store_mark(*, country_code: str, advertiser_id: str, profile_id: int | str = "") -> str:
    """A short, readable mark of one store for its campaign ids: the marketplace's country
    code and four characters derived from the advertiser and marketplace (the profile when
    the advertiser is unknown), e.g. `us-7q2m`. Stable: the same store always gets the same."""
    country = id_slug(country_code, fallback="xx")[:2]
    source = f"{advertiser_id or f'profile-{profile_id}'}:{country}"
    digest = base64.b32encode(hashlib.sha256(source.encode()).digest()).decode().lower()
    return f"{country}-{digest[:4]}"


def campaign_id_base(name: str, starts_on_year: int, mark: str = "") -> str:
    """`spring-launch-2026`, with the store's mark: `spring-launch-2026-us-7q2m`."""
    slug = id_slug(name, fallback="campaign")
    year = str(starts_on_year)
    base = slug if slug.endswith(year) else f"{slug}-{year}"
    return f"{base}-{mark}" if mark else base


def campaign_id_digest(value: str) -> str:
    """What the registry of minted campaign ids keeps instead of the id: its SHA-256 (hex), so
    the registry, which every organisation's minting consults, holds nothing readable."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def adgroup_id_base(*, handle: str, name: str) -> str:
    return id_slug(handle.lstrip("@") or name, fallback="creator")


def creative_id_base(*, adgroup_id: str, asin: str | None) -> str:
    return f"{adgroup_id}-{asin.lower() if asin else 'store'}"


# --- marketplace URLs --------------------------------------------------------------------------


def sandbox_base() -> str:
    return (getattr(settings, "AMAZON_SANDBOX_URL", "") or "").rstrip("/")


def marketplace_base(country_code: str) -> str:
    """https://www.amazon.<tld> of the store's country (the sandbox's URL in sandbox mode)."""
    sandbox = sandbox_base()
    if sandbox:
        return sandbox
    tld = MARKETPLACE_TLDS.get((country_code or "").upper())
    if tld is None:
        raise ValidationError(f"Amazon has no marketplace we know for country {country_code!r}.")
    return f"https://www.amazon.{tld}"


def marketplace_host(country_code: str) -> str:
    return urlsplit(marketplace_base(country_code)).netloc


def normalize_asin(value: str) -> str:
    asin = (value or "").strip().upper()
    if not ASIN_RE.match(asin):
        raise ValidationError(
            "An ASIN is 10 characters, letters and digits (e.g. B0C1XYZ234).", code="asin"
        )
    return asin


def parse_store_page(value: str) -> str:
    """The store page id from an id or a pasted Amazon Store URL (tag and ref_ dropped)."""
    value = (value or "").strip()
    if not value:
        return ""
    if STORE_PAGE_ID_RE.match(value):
        return value
    parts = urlsplit(value if "//" in value else f"https://{value}")
    match = _STORE_PAGE_PATH_RE.match(parts.path)
    host = (parts.hostname or "").lower()
    amazon = (
        host.startswith(("www.amazon.", "amazon."))
        or parts.netloc == urlsplit(sandbox_base()).netloc
    )
    if not match or not amazon:
        raise ValidationError(
            "Paste the Amazon Store page URL (…/stores/page/<id>) or just its id.",
            code="store_page",
        )
    return match.group(1)


def _tag_segments(template_tag: str) -> list[str]:
    """The template tag's `key=value` segments verbatim, minus any aa_* placeholders."""
    segments = []
    for segment in template_tag.strip().lstrip("?&").split("&"):
        key = segment.split("=", 1)[0]
        if segment and key not in ID_PARAMS:
            segments.append(segment)
    return segments


def destination_url(
    *,
    country_code: str,
    template_tag: str,
    campaign_id: str,
    adgroup_id: str,
    creative_id: str,
    asin: str | None = None,
    store_page_id: str = "",
    landing_query: str = "",
) -> str:
    """The tagged landing URL of one link. `landing_query`: a query already on the landing
    URL, kept except for tag/ref_/maas/aa_* parameters."""
    for value in (campaign_id, adgroup_id, creative_id):
        validate_amazon_id(value)
    if asin:
        path = f"/dp/{normalize_asin(asin)}"
    elif store_page_id and STORE_PAGE_ID_RE.match(store_page_id):
        path = f"/stores/page/{store_page_id}"
    else:
        raise ValidationError("A link needs a product or a store page.")
    kept = [
        f"{quote(k, safe='')}={quote(v, safe='')}"
        for k, v in parse_qsl(landing_query, keep_blank_values=True)
        if k not in STRIPPED_PARAMS
    ]
    tag = _tag_segments(template_tag)
    if not tag:
        raise ValidationError("The tracking plan has no Amazon tag; fetch it again.")
    ids = [
        f"aa_campaignid={campaign_id}",
        f"aa_adgroupid={adgroup_id}",
        f"aa_creativeid={creative_id}",
    ]
    url = f"{marketplace_base(country_code)}{path}?" + "&".join([*kept, *tag, *ids])
    if not destination_allowed(url):
        raise ValidationError("That destination is not an Amazon marketplace URL.")
    return url


def allowed_origins() -> frozenset[tuple[str, str]]:
    return _allowed_origins(sandbox_base())


@functools.lru_cache(maxsize=4)
def _allowed_origins(sandbox: str) -> frozenset[tuple[str, str]]:
    origins = {("https", host) for host in AMAZON_HOSTS}
    if sandbox:
        parts = urlsplit(sandbox)
        origins.add((parts.scheme, parts.netloc))
    return frozenset(origins)


_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f\\]")


def destination_allowed(url: str) -> bool:
    """True only for an absolute http(s) URL on an Amazon marketplace host (or the sandbox in
    sandbox mode), with no credentials, odd port, whitespace, backslash or control characters.
    The redirect calls this on every request, so it stays cheap."""
    if not isinstance(url, str) or _UNSAFE_URL_CHARS.search(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (parts.scheme, parts.netloc) in allowed_origins() and "@" not in parts.netloc
