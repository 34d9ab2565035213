"""Amazon's rules for aa_* ids and tagged destinations (no database)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from campaigns import amazon_ids as ids

FORBIDDEN = "/&=#?+'\"%$"
TAG = "maas=maas_adg_api_123_static_9_105&ref_=aa_maas&tag=maas"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("spring-launch-2026", None),
        ("a" * 255, None),
        ("", "An Amazon id cannot be empty."),
        ("a" * 256, "An Amazon id has at most 255 characters."),
        ("jane/doe", "An Amazon id cannot contain /."),
        ("50%off$", "An Amazon id cannot contain $ %."),
        ("jane doe", "An Amazon id cannot contain spaces or control characters."),
        ("it\u2019s", "An Amazon id cannot contain \u2019."),
    ],
)
def test_id_rule(value, problem):
    assert ids.amazon_id_problem(value) == problem


@given(st.text(max_size=300))
def test_property_validator_matches_amazons_rule(value):
    ok = (
        1 <= len(value) <= 255
        and not set(value) & set(FORBIDDEN + "\u2018\u2019\u201c\u201d")
        and all(ch.isprintable() and not ch.isspace() for ch in value)
    )
    assert (ids.amazon_id_problem(value) is None) == ok


@given(
    name=st.text(max_size=200),
    handle=st.text(max_size=100),
    year=st.integers(2000, 2100),
    asin=st.one_of(st.none(), st.from_regex(r"\A[A-Z0-9]{10}\Z")),
    taken=st.sets(st.text(min_size=1, max_size=80), max_size=20),
)
def test_property_generated_ids_are_valid_readable_and_deduplicated(
    name, handle, year, asin, taken
):
    campaign_id = ids.unique_id(ids.campaign_id_base(name, year), taken)
    adgroup_id = ids.unique_id(ids.adgroup_id_base(handle=handle, name=name), taken)
    creative_id = ids.unique_id(
        ids.creative_id_base(adgroup_id=adgroup_id, asin=asin), taken | {adgroup_id}
    )
    for value in (campaign_id, adgroup_id, creative_id):
        ids.validate_amazon_id(value)
        assert value not in taken
        assert value == value.lower() and set(value) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    assert campaign_id.split("-")[-1] == str(year) or campaign_id.rsplit("-", 2)[-2] == str(year)


def test_readable_ids_and_suffixes():
    assert ids.campaign_id_base("Spring Launch", 2026) == "spring-launch-2026"
    assert ids.campaign_id_base("Spring Launch 2026", 2026) == "spring-launch-2026"
    assert ids.campaign_id_base("Été 🌞", 2026) == "ete-2026"
    assert ids.campaign_id_base("🌞", 2026) == "campaign-2026"
    assert ids.adgroup_id_base(handle="@Jane.Doe", name="x") == "janedoe"
    assert ids.adgroup_id_base(handle="", name="Jane Doe") == "jane-doe"
    assert ids.creative_id_base(adgroup_id="jane-doe", asin="B0EXAMPLE1") == "jane-doe-b0example1"
    assert ids.creative_id_base(adgroup_id="jane-doe", asin=None) == "jane-doe-store"
    assert ids.unique_id("jane-doe", {"jane-doe", "jane-doe-2"}) == "jane-doe-3"


@pytest.mark.parametrize(
    ("country", "host"),
    [
        ("US", "www.amazon.com"),
        ("UK", "www.amazon.co.uk"),
        ("GB", "www.amazon.co.uk"),
        ("DE", "www.amazon.de"),
        ("JP", "www.amazon.co.jp"),
        ("AU", "www.amazon.com.au"),
        ("BR", "www.amazon.com.br"),
        ("BE", "www.amazon.com.be"),
        ("TR", "www.amazon.com.tr"),
        ("IE", "www.amazon.ie"),
        ("AE", "www.amazon.ae"),
    ],
)
def test_destination_is_on_the_stores_marketplace(settings, country, host):
    settings.AMAZON_SANDBOX_URL = ""
    url = ids.destination_url(
        country_code=country,
        template_tag=TAG,
        campaign_id="c",
        adgroup_id="g",
        creative_id="x",
        asin="b0example1",
    )
    assert (
        url == f"https://{host}/dp/B0EXAMPLE1?{TAG}&aa_campaignid=c&aa_adgroupid=g&aa_creativeid=x"
    )


def test_existing_tag_and_ref_are_removed_and_placeholders_replaced(settings):
    settings.AMAZON_SANDBOX_URL = ""
    placeholders = "aa_campaignid={insertCampaignId}&aa_adgroupid={insertAdGroupId}"
    template = f"{TAG}&{placeholders}&aa_creativeid={{insertAdiD}}"
    url = ids.destination_url(
        country_code="FR",
        template_tag=template,
        campaign_id="c",
        adgroup_id="g",
        creative_id="x",
        store_page_id=ids.parse_store_page(
            "https://www.amazon.fr/stores/Brand/page/1A2B-3C?tag=assoc-21&ref_=ast_bln"
        ),
        landing_query="tag=assoc-21&ref_=ast_bln&lp_asin=B0X&aa_creativeid=old",
    )
    assert url == (
        "https://www.amazon.fr/stores/page/1A2B-3C?lp_asin=B0X&"
        f"{TAG}&aa_campaignid=c&aa_adgroupid=g&aa_creativeid=x"
    )


def test_sandbox_mode_uses_the_sandbox_host(settings):
    settings.AMAZON_SANDBOX_URL = "http://127.0.0.1:8765"
    url = ids.destination_url(
        country_code="US",
        template_tag=TAG,
        campaign_id="c",
        adgroup_id="g",
        creative_id="x",
        asin="B0EXAMPLE1",
    )
    assert url.startswith("http://127.0.0.1:8765/dp/B0EXAMPLE1?maas=")
    assert ids.destination_allowed(url)
    settings.AMAZON_SANDBOX_URL = ""
    assert not ids.destination_allowed(url)


@pytest.mark.parametrize(
    ("value", "page_id"),
    [
        ("", ""),
        ("1A2B-3C", "1A2B-3C"),
        ("https://www.amazon.com/stores/page/1A2B-3C?tag=x-20", "1A2B-3C"),
        ("www.amazon.de/stores/Acme/page/FF00-11/", "FF00-11"),
    ],
)
def test_store_page_from_an_id_or_a_pasted_url(value, page_id):
    assert ids.parse_store_page(value) == page_id


@pytest.mark.parametrize(
    "bad",
    ["not a url", "https://www.amazon.com/other/ABC", "https://evil.example/stores/page/X"],
)
def test_store_page_input_is_validated(bad):
    with pytest.raises(ValidationError):
        ids.parse_store_page(bad)


@pytest.mark.parametrize("bad", ["", "B0X", "B0EXAMPLE12", "B0EXAMPL-1", "B0 EXAMPLE"])
def test_asin_is_10_letters_and_digits(bad):
    with pytest.raises(ValidationError):
        ids.normalize_asin(bad)
    assert ids.normalize_asin(" b0example1 ") == "B0EXAMPLE1"


@given(
    country=st.sampled_from(sorted(ids.MARKETPLACE_TLDS)),
    template=st.text(max_size=120),
    asin=st.text(max_size=14),
    store_page=st.text(max_size=80),
    campaign_id=st.text(max_size=40),
    landing=st.text(max_size=80),
)
def test_property_a_destination_is_always_on_the_marketplace_host(
    country, template, asin, store_page, campaign_id, landing
):
    from django.conf import settings as dj

    dj.AMAZON_SANDBOX_URL = ""
    try:
        url = ids.destination_url(
            country_code=country,
            template_tag=template,
            campaign_id=campaign_id,
            adgroup_id="g",
            creative_id="x",
            asin=asin or None,
            store_page_id=store_page,
            landing_query=landing,
        )
    except ValidationError:
        return
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("https", f"www.amazon.{ids.MARKETPLACE_TLDS[country]}")
    assert ids.destination_allowed(url)
    assert parts.path.startswith(("/dp/", "/stores/page/"))
