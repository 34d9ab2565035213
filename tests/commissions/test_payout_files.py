"""The payout files against the providers' documented rules (commissions/payout_files.py cites
them): PayPal Payouts' bulk CSV, Wise's "Send to bank accounts" batch CSV, and the plain CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from commissions.payout_files import (
    PAYPAL_MAX_ROWS,
    FileLine,
    PayoutFileError,
    line_problems,
    paypal_csv,
    paypal_problems,
    plain_csv,
    wise_csv,
    wise_header,
    wise_problems,
)
from creators.payout_details import (
    PayoutDetailsData,
    aba_is_valid,
    iban_is_valid,
    payout_details_clean,
)

PAYPAL = PayoutDetailsData(method="paypal", paypal_email="ann@example.com")
EUR_BANK = PayoutDetailsData(
    method="wise", account_holder="Bea Müller", iban="DE89370400440532013000"
)
UK_BANK = PayoutDetailsData(
    method="wise", account_holder="Cal Jones", sort_code="404784", account_number="70872490"
)
US_BANK = PayoutDetailsData(
    method="wise",
    account_holder="Dee Smith, LLC",
    receiver_type="BUSINESS",
    abartn="011000015",
    account_number="123456789",
    account_type="CHECKING",
    address_country="US",
    address_city="Boston",
    address_first_line="1 Main St, Suite 2",
    address_state="MA",
    address_post_code="02110",
)


def line(details, amount="12.50", currency="USD", ref="PR1-1", name="Ann", email="a@x.test"):
    return FileLine(ref, 1, name, email, currency, Decimal(amount), details)


def rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def test_paypal_bulk_csv_has_no_header_six_columns_and_one_currency():
    lines = [
        line(PAYPAL, "12.50", ref="PR1-1"),
        line(PayoutDetailsData(method="paypal", paypal_email="b@x.test"), "7.00", ref="PR1-2"),
        line(PAYPAL, "9.99", currency="EUR", ref="PR1-3"),  # another currency: another file
        line(EUR_BANK, "5.00", ref="PR1-4"),  # another method
    ]
    content = paypal_csv(lines, currency="USD", brand="Acme")
    assert content == (
        b"ann@example.com,12.50,USD,PR1-1,Commission from Acme (PR1-1),PAYPAL\r\n"
        b"b@x.test,7.00,USD,PR1-2,Commission from Acme (PR1-2),PAYPAL\r\n"
    )
    assert rows(paypal_csv(lines, currency="EUR", brand="Acme")) == [
        ["ann@example.com", "9.99", "EUR", "PR1-3", "Commission from Acme (PR1-3)", "PAYPAL"]
    ]


def test_paypal_amounts_in_the_currencys_decimals():
    jpy = paypal_csv([line(PAYPAL, "1235", currency="JPY")], currency="JPY", brand="B")
    assert rows(jpy)[0][1:3] == ["1235", "JPY"]
    huf = line(PAYPAL, "1500.00", currency="HUF")  # PayPal: no decimals for HUF
    assert rows(paypal_csv([huf], currency="HUF", brand="B"))[0][1] == "1500"
    assert "whole units only" in " ".join(paypal_problems(line(PAYPAL, "1500.50", currency="HUF")))
    assert "more decimals" in " ".join(paypal_problems(line(PAYPAL, "10.505")))


@pytest.mark.parametrize(
    ("details", "amount", "currency", "problem"),
    [
        (None, "5.00", "USD", "no PayPal e-mail"),
        (EUR_BANK, "5.00", "USD", "no PayPal e-mail"),
        (PAYPAL, "-5.00", "USD", "not positive"),
        (PAYPAL, "0.00", "USD", "not positive"),
        (PAYPAL, "5.00", "INR", "does not pay out in INR"),
        (
            PayoutDetailsData(method="paypal", paypal_email="=cmd|x@evil.test"),
            "5.00",
            "USD",
            "starts like a spreadsheet formula",
        ),
        (
            PayoutDetailsData(
                method="paypal", paypal_email="a" * 60 + "@" + "b" * 60 + "." + "c" * 20 + ".test"
            ),
            "5.00",
            "USD",
            "longer than 127",
        ),
    ],
)
def test_paypal_rejects_what_it_cannot_express(details, amount, currency, problem):
    bad = line(details, amount, currency)
    assert problem in " ".join(paypal_problems(bad))
    if details is not None and details.method == "paypal" and currency == "USD":
        # a line of the file's method and currency is checked again when the file is written
        with pytest.raises(PayoutFileError, match="cannot go in the PayPal file"):
            paypal_csv([bad], currency=currency, brand="B")


def test_paypal_file_size_limit():
    many = [line(PAYPAL, "1.00", ref=f"PR1-{n}") for n in range(PAYPAL_MAX_ROWS + 1)]
    with pytest.raises(PayoutFileError, match="at most 5000"):
        paypal_csv(many, currency="USD", brand="B")


def test_wise_batch_csv_per_currency_with_wises_column_names():
    eur = wise_csv([line(EUR_BANK, "80.00", currency="EUR", name="Bea")], currency="EUR")
    assert rows(eur) == [
        [
            "name",
            "recipientEmail",
            "paymentReference",
            "receiverType",
            "amountCurrency",
            "amount",
            "sourceCurrency",
            "targetCurrency",
            "IBAN",
        ],
        [
            "Bea Müller",
            "a@x.test",
            "PR1-1",
            "PERSON",
            "target",
            "80.00",
            "EUR",
            "EUR",
            "DE89370400440532013000",
        ],
    ]
    gbp = rows(wise_csv([line(UK_BANK, "3.10", currency="GBP")], currency="GBP"))
    assert gbp[0][-2:] == ["sortCode", "accountNumber"] and gbp[1][-2:] == ["404784", "70872490"]
    usd = rows(wise_csv([line(US_BANK, "1234.56")], currency="USD"))
    assert usd[0] == list(wise_header("USD"))
    assert usd[0][8:] == [
        "abartn",
        "accountNumber",
        "accountType",
        "addressCountryCode",
        "addressCity",
        "addressFirstLine",
        "addressState",
        "addressPostCode",
    ]
    assert usd[1] == [
        "Dee Smith, LLC",
        "a@x.test",
        "PR1-1",
        "BUSINESS",
        "target",
        "1234.56",
        "USD",
        "USD",
        "011000015",
        "123456789",
        "CHECKING",
        "US",
        "Boston",
        "1 Main St, Suite 2",
        "MA",
        "02110",
    ]
    # every row has exactly the header's columns
    assert all(len(r) == len(usd[0]) for r in usd)


@pytest.mark.parametrize(
    ("details", "currency", "ref", "problem"),
    [
        (EUR_BANK, "USD", "PR1-1", "needs a routing number"),
        (EUR_BANK, "GBP", "PR1-1", "needs a UK sort code"),
        (UK_BANK, "EUR", "PR1-1", "needs an IBAN"),
        (EUR_BANK, "JPY", "PR1-1", "not in this export"),
        (PAYPAL, "EUR", "PR1-1", "no bank details"),
        (EUR_BANK, "EUR", "PR123456789-123456789", "longer than 18"),
        (
            PayoutDetailsData(method="wise", account_holder="=HYPERLINK(1)", iban=EUR_BANK.iban),
            "EUR",
            "PR1-1",
            "starts like a spreadsheet formula",
        ),
        (
            PayoutDetailsData(method="wise", account_holder="X", iban="DE00370400440532013000"),
            "EUR",
            "PR1-1",
            "needs an IBAN",
        ),
    ],
)
def test_wise_rejects_what_it_cannot_express(details, currency, ref, problem):
    bad = line(details, "10.00", currency, ref=ref)
    assert problem in " ".join(wise_problems(bad))
    if currency == "EUR" and details.method == "wise":
        with pytest.raises(PayoutFileError, match="cannot go in the Wise file"):
            wise_csv([bad], currency=currency)


def test_a_line_without_details_says_so():
    assert line_problems(line(None)) == [
        "no payout details: the creator adds them in the creator portal"
    ]


def test_plain_csv_neutralises_formulas_and_keeps_amounts_numbers():
    evil = line(None, "-3.50", name='=HYPERLINK("x")', email="+1@x.test")
    content = plain_csv(7, [(evil, "carried", "Negative balance"), (line(PAYPAL), "pay", "")])
    table = rows(content)
    assert table[0][:7] == [
        "run",
        "reference",
        "creator_id",
        "creator",
        "creator_email",
        "currency",
        "amount",
    ]
    assert table[1][3:7] == ['\'=HYPERLINK("x")', "'+1@x.test", "USD", "-3.50"]
    assert table[2][9:] == ["paypal", "PayPal a•••@example.com"]


def test_bank_number_checks():
    assert iban_is_valid("DE89370400440532013000") and iban_is_valid("GB82WEST12345698765432")
    assert not iban_is_valid("DE89370400440532013001") and not iban_is_valid("DE89")
    assert aba_is_valid("011000015") and not aba_is_valid("011000016")
    details = payout_details_clean(
        {"method": "wise", "account_holder": " Bea  Müller ", "iban": "de89 3704 0044 0532 0130 00"}
    )
    assert (details.account_holder, details.iban) == ("Bea Müller", "DE89370400440532013000")
