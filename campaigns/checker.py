"""The link checker: reads every link of a campaign and says what is wrong with its
destination (a read; nothing is changed). Checks: the URL is on the store's marketplace host
(or the sandbox), the path is the link's product or store page, the tracking plan's tag is
there exactly once, no Amazon Associates tag or parameters, and the three Amazon ids are
present, valid and the campaign's, creator's and link's own, and Amazon's catalog has the
product (its product metadata, campaigns/services/products.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from campaigns import amazon_ids
from campaigns.models import AffiliateLink, Campaign

ASSOCIATES_PARAMS = ("linkCode", "ascsubtag", "linkId", "creativeASIN", "camp", "creative")


@dataclass
class LinkProblems:
    link: AffiliateLink
    problems: list[str] = field(default_factory=list)


@dataclass
class CheckReport:
    checked: int
    broken: list[LinkProblems]
    amazon_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.broken


def _tag_pairs(template_tag: str) -> list[tuple[str, str]]:
    return [
        (k, v)
        for k, v in parse_qsl(template_tag.lstrip("?&"), keep_blank_values=True)
        if k not in amazon_ids.ID_PARAMS
    ]


def link_problems(link: AffiliateLink, campaign: Campaign, expected_host: str) -> list[str]:
    problems: list[str] = []
    url = link.destination_url
    if not amazon_ids.destination_allowed(url):
        return ["The destination is not an Amazon marketplace URL."]
    parts = urlsplit(url)
    if parts.netloc != expected_host:
        problems.append(
            f"Marketplace mismatch: the link goes to {parts.netloc}, the store sells on "
            f"{expected_host}."
        )
    if link.product_id:
        expected_path = f"/dp/{link.product.asin}" if link.product else ""
        if parts.path != expected_path:
            problems.append(f"The link does not open the product page {expected_path}.")
        if link.product and link.product.not_on_amazon:
            problems.append(
                f"Amazon's catalog has no product {link.product.asin} in this marketplace "
                "(a mistyped ASIN, or not the brand's): the link opens a page that does not "
                "exist."
            )
    elif not parts.path.startswith("/stores/"):
        problems.append("The store-page link does not open an Amazon Store page.")
    query = parse_qsl(parts.query, keep_blank_values=True)
    keys = [k for k, _ in query]
    values: dict[str, list[str]] = {}
    for k, v in query:
        values.setdefault(k, []).append(v)

    for k, v in _tag_pairs(campaign.tracking_plan.template_tag):
        found = values.get(k, [])
        if k == "tag":
            continue  # checked below with the Associates rule
        if not found:
            problems.append(f"The Amazon Attribution tag is missing ({k}=).")
        elif found != [v]:
            problems.append(f"The tag's {k} is {', '.join(found)}, the tracking plan's is {v}.")
    tags = values.get("tag", [])
    if len(tags) > 1:
        problems.append("The URL has more than one tag= parameter.")
    for tag in tags:
        if tag != "maas":
            problems.append(f"An Amazon Associates tag is present (tag={tag}).")
    if not tags:
        problems.append("The Amazon Attribution tag is missing (tag=maas).")
    associates = [k for k in keys if k in ASSOCIATES_PARAMS]
    if associates:
        problems.append("Amazon Associates parameters are present: " + ", ".join(associates) + ".")

    expected_ids = {
        "aa_campaignid": campaign.amazon_campaign_id,
        "aa_adgroupid": link.campaign_creator.amazon_adgroup_id,
        "aa_creativeid": link.amazon_creative_id,
    }
    for name, expected in expected_ids.items():
        found = values.get(name, [])
        if not found:
            problems.append(f"{name} is missing.")
            continue
        if len(found) > 1:
            problems.append(f"{name} appears {len(found)} times.")
        problem = amazon_ids.amazon_id_problem(found[0])
        if problem:
            problems.append(f"{name} is not valid: {problem}")
        elif found[0] != expected:
            problems.append(f"{name} is {found[0]}, expected {expected}.")
    return problems


def links_check(*, campaign: Campaign, ask_amazon: bool = True) -> CheckReport:
    """Check every link of the campaign (a fixed number of queries, whatever the number of
    links). Products Amazon was never asked about are looked up first (one Amazon call), so an
    ASIN that does not exist is reported; `amazon_error` says when Amazon could not be asked.
    `ask_amazon=False` (the campaign page's inline check) uses what was stored."""
    from campaigns.services.products import products_metadata_refresh_unchecked

    amazon_error = products_metadata_refresh_unchecked(store=campaign.store) if ask_amazon else ""
    expected_host = amazon_ids.marketplace_host(campaign.store.country_code)
    links = list(
        AffiliateLink.objects.filter(campaign=campaign)
        .select_related("product", "campaign_creator__creator")
        .order_by("campaign_creator__creator__name", "pk")
    )
    broken = []
    for link in links:
        problems = link_problems(link, campaign, expected_host)
        if problems:
            broken.append(LinkProblems(link, problems))
    return CheckReport(checked=len(links), broken=broken, amazon_error=amazon_error)
