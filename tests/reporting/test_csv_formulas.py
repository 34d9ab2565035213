"""Every CSV a person downloads (the aggregated export, payables, the creator portal's earnings)
neutralises text that a spreadsheet would run as a formula, including the full-width forms
(U+FF1D, U+FF0B, U+FF0D, U+FF20) that spreadsheets read like = + - @ (core.csvsafe, the one
definition)."""

from __future__ import annotations

import csv
import io

import pytest

from campaigns.models import Campaign
from commissions.models import Conversion
from core.csvsafe import neutralise
from creators.models import Creator
from tenancy.scoping import tenant_scope
from tests.support.reporting import export, lines, read_csv

FULL_WIDTH = ["\uff1d1+1", "\uff0bSUM(1)", "\uff0d2+3", "\uff20SUM(A1)"]  # full-width = + - @


@pytest.mark.parametrize(
    "text",
    [
        *FULL_WIDTH,
        "\ufe661+1",  # small equals
        "\ufe62SUM(1)",  # small plus
        "\u207c1",  # superscript equals
        "\u22121+1",  # minus sign
        "=1+1",
        "+1",
        "-1",
        "@A1",
        "\tx",
        "\rx",
    ],
)
def test_text_starting_a_formula_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["", "Jane", "1+1", "'=1", "\uff4a\uff41\uff4e\uff45", "\uff031", "é=1", " =1"]
)
def test_other_text_is_left_alone(text):
    assert neutralise(text) == text


def test_the_aggregated_export_neutralises_full_width_formulas(formatted, tenant_a):
    usd, _jpy = formatted
    with tenant_scope(tenant_a.org):
        usd.advertiser_name = "\uff1d1+1"
        usd.save(update_fields=["advertiser_name"])
        Campaign.objects.filter(name="@SUM(1)").update(name="\uff20SUM(1)")
        Creator.objects.filter(name="-5 tips").update(name="\uff0d5 tips")
    params = {"start": "2026-03-01", "end": "2026-03-31"}
    rows = read_csv(export(tenant_a.client(), group_by="creator", **params))
    us = [r for r in rows if r["marketplace"] == "US"]
    assert {r["store"] for r in us} == {"'\uff1d1+1"}
    assert "'\uff0d5 tips" in {r["creator"] for r in us}
    minus = next(r for r in us if r["creator"] == "'\uff0d5 tips")
    assert minus["commission"] == "-1.25"  # numbers stay numbers
    rows = read_csv(export(tenant_a.client(), group_by="campaign", **params))
    assert {r["campaign"] for r in rows} == {"'\uff20SUM(1)", ""}


def test_payables_neutralise_full_width_formulas(owed, tenant_a):
    with tenant_scope(tenant_a.org):
        Creator.objects.filter(name="Jane").update(name="\uff0bJane", email="")
    rows = lines(tenant_a.client(tenant_a.owner))
    assert {r["creator"] for r in rows} == {"'\uff0bJane", "Omar"}


def test_the_portal_earnings_csv_neutralises_full_width_formulas(portal, tenant_a, tenant_b):
    with tenant_scope(tenant_a.org):
        Campaign.objects.update(name="\uff0bAutumn")
        Conversion.objects.filter(decision_reason__startswith="=").update(
            decision_reason="\uff1d1+1"
        )
    response = portal.client("jane").get("/portal/b/alpha/earnings.csv")
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["campaign"] for r in rows} == {"'\uff0bAutumn"}
    assert {r["note"] for r in rows if r["status"] == "Denied"} == {"'\uff1d1+1"}
