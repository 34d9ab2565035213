"""The files finance uploads to pay a payout run: PayPal Payouts' bulk CSV, Wise's batch CSV,
and a plain CSV. Each provider file is built from the run's lines to pay and checked against
the provider's documented rules first; a line that cannot be expressed is rejected when the
run is created (`line_problems`, shown on the run's page), so a file never carries it.

PayPal Payouts Web, bulk CSV ("Use Web UI", developer.paypal.com/payouts/use-payouts/send-money/
use-web-ui; "Payouts Web", developer.paypal.com/docs/payouts/standard/payouts-web):
- no header row; one payout per row, at most 5,000 rows per file;
- columns in order: recipient identifier (the PayPal e-mail; a receiver is at most 127
  single-byte characters, Payouts API payout_item.receiver), payment amount, currency
  (three-letter ISO 4217; ONE currency per file: a file per currency), customer ID (our line
  reference, unique per row: sender_item_id), note (up to 4,000 ASCII / 1,000 non-ASCII
  characters), recipient wallet `PAYPAL`;
- the amount is a plain number in the currency's decimals, "." as the decimal point (as a US
  sender writes it); JPY, HUF and TWD take no decimals at PayPal ("This currency does not
  support decimals. Decimal amounts cause an error", PayPal's currency codes list), and the
  currency must be one PayPal pays in (PAYPAL_CURRENCIES).

Wise batch payments, "Send to bank accounts" template (wise.com/help/articles/2663302 "How do
I fill in my batch template?", 2663296 "What's a batch payment template?"; at most 1,000
transfers per batch, wise.com/us/blog/everything-about-batch-payments):
- a header row with Wise's column names, verbatim: `name` (as on the bank account),
  `recipientEmail`, `paymentReference`, `receiverType` (PERSON or BUSINESS), `amountCurrency`
  (`target`: a fixed target amount, the creator gets exactly the amount and the fees are the
  brand's), `amount` (numbers only), `sourceCurrency`, `targetCurrency`, then the account
  columns the target currency needs (WISE_ACCOUNT_COLUMNS): `IBAN` for EUR; `sortCode` and
  `accountNumber` for GBP; `abartn`, `accountNumber`, `accountType` and the recipient's address
  (`addressCountryCode`, `addressCity`, `addressFirstLine`, `addressState`, `addressPostCode`)
  for USD. The account columns differ by currency, so there is a file per currency; source
  and target currency are the line's currency (no conversion);
- the payment reference shows on the creator's bank statement; UK Faster Payments carry 18
  characters, so references are kept to 18 letters, digits and hyphens.

Every text cell goes through core.csvsafe.neutralise (formula neutralising). A line whose
recipient, name or account would be changed by it (it starts like a formula) is rejected
instead: the provider must receive exactly what the creator entered.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from core.csvsafe import neutralise, starts_formula
from core.money import minor_unit, money_round, money_round_to, money_text, money_text_to
from creators.models import PayoutMethod
from creators.payout_details import (
    PAYPAL_EMAIL_MAX,
    RECEIVER_TYPES,
    PayoutDetailsData,
    iban_is_valid,
)

PAYPAL_MAX_ROWS = 5000
PAYPAL_NOTE_MAX_ASCII = 4000
PAYPAL_NOTE_MAX_OTHER = 1000
PAYPAL_WALLET = "PAYPAL"
# The currencies PayPal pays in (PayPal's currency codes; BRL and MYR for in-country accounts).
PAYPAL_CURRENCIES = frozenset(
    {
        "AUD",
        "BRL",
        "CAD",
        "CZK",
        "DKK",
        "EUR",
        "HKD",
        "HUF",
        "ILS",
        "JPY",
        "MYR",
        "MXN",
        "NOK",
        "NZD",
        "PHP",
        "PLN",
        "GBP",
        "SGD",
        "SEK",
        "CHF",
        "TWD",
        "THB",
        "USD",
    }
)
# Whole units only at PayPal, whatever ISO 4217 says (HUF and TWD have 2 there).
PAYPAL_NO_DECIMALS = frozenset({"HUF", "JPY", "TWD"})

WISE_MAX_ROWS = 1000
WISE_REFERENCE_MAX = 18
WISE_COMMON_COLUMNS = (
    "name",
    "recipientEmail",
    "paymentReference",
    "receiverType",
    "amountCurrency",
    "amount",
    "sourceCurrency",
    "targetCurrency",
)
WISE_ADDRESS_COLUMNS = (
    "addressCountryCode",
    "addressCity",
    "addressFirstLine",
    "addressState",
    "addressPostCode",
)
WISE_ACCOUNT_COLUMNS: dict[str, tuple[str, ...]] = {
    "EUR": ("IBAN",),
    "GBP": ("sortCode", "accountNumber"),
    "USD": ("abartn", "accountNumber", "accountType", *WISE_ADDRESS_COLUMNS),
}
WISE_AMOUNT_CURRENCY = "target"
WISE_NAME_MAX = 140
REFERENCE_RE = re.compile(r"^[A-Za-z0-9-]{1,18}$")

PLAIN_HEADER = (
    "run",
    "reference",
    "creator_id",
    "creator",
    "creator_email",
    "currency",
    "amount",
    "outcome",
    "reason",
    "method",
    "payout_to",
)


class PayoutFileError(ValidationError):
    """A file cannot be written: a line breaks the provider's rules (the message says which)."""


@dataclass(frozen=True)
class FileLine:
    """What a file needs of one run line."""

    reference: str
    creator_id: int
    creator_name: str
    creator_email: str
    currency: str
    amount: Decimal
    details: PayoutDetailsData | None


def _amount_problems(line: FileLine, *, places: int) -> list[str]:
    if line.amount <= 0:
        return ["the amount is not positive (a payout is never negative)"]
    if money_round(line.amount, line.currency) != line.amount:
        return [f"the amount has more decimals than {line.currency} has"]
    if money_round_to(line.amount, places) != line.amount:
        return [f"{line.currency} is paid in whole units only; the amount has decimals"]
    return []


def _text_problems(value: str, what: str) -> list[str]:
    if starts_formula(value):
        return [f"the {what} starts like a spreadsheet formula ({value[:1]!r})"]
    return []


def paypal_places(currency: str) -> int:
    return 0 if currency in PAYPAL_NO_DECIMALS else minor_unit(currency)


def paypal_note(line: FileLine, brand: str) -> str:
    return f"Commission from {brand} ({line.reference})"


def paypal_problems(line: FileLine, *, brand: str = "") -> list[str]:
    """Why the line cannot be a row of PayPal's bulk CSV (empty: it can)."""
    details = line.details
    problems: list[str] = []
    if details is None or details.method != PayoutMethod.PAYPAL:
        return ["no PayPal e-mail on file"]
    email = details.paypal_email
    try:
        validate_email(email)
    except ValidationError:
        problems.append("the PayPal e-mail is not a valid address")
    if len(email) > PAYPAL_EMAIL_MAX or not email.isascii():
        problems.append(f"the PayPal e-mail is longer than {PAYPAL_EMAIL_MAX} plain characters")
    problems += _text_problems(email, "PayPal e-mail")
    if line.currency not in PAYPAL_CURRENCIES:
        problems.append(f"PayPal does not pay out in {line.currency}")
    else:
        problems += _amount_problems(line, places=paypal_places(line.currency))
    if not REFERENCE_RE.match(line.reference):
        problems.append("the line reference is not short letters and digits")
    note = paypal_note(line, brand)
    limit = PAYPAL_NOTE_MAX_ASCII if note.isascii() else PAYPAL_NOTE_MAX_OTHER
    if len(note) > limit:
        problems.append(f"the note is longer than {limit} characters")
    return problems


def wise_problems(line: FileLine) -> list[str]:
    """Why the line cannot be a row of Wise's batch CSV (empty: it can)."""
    details = line.details
    if details is None or details.method != PayoutMethod.WISE:
        return ["no bank details on file"]
    problems: list[str] = []
    if line.currency not in WISE_ACCOUNT_COLUMNS:
        supported = ", ".join(sorted(WISE_ACCOUNT_COLUMNS))
        return [f"Wise transfers in {line.currency} are not in this export (only {supported})"]
    if line.currency == "EUR" and not (details.iban and iban_is_valid(details.iban)):
        problems.append("a EUR transfer needs an IBAN")
    if line.currency == "GBP" and not details.has_uk_account:
        problems.append("a GBP transfer needs a UK sort code and account number")
    if line.currency == "USD" and not (details.has_us_account and details.has_address):
        problems.append("a USD transfer needs a routing number, account number, type and address")
    if not details.account_holder or len(details.account_holder) > WISE_NAME_MAX:
        problems.append("the account holder's name is missing or too long")
    if details.receiver_type not in RECEIVER_TYPES:
        problems.append("the recipient type is not PERSON or BUSINESS")
    for value, what in (
        (details.account_holder, "account holder's name"),
        (details.address_first_line, "address"),
        (details.address_city, "city"),
        (line.creator_email, "e-mail"),
    ):
        problems += _text_problems(value, what)
    if len(line.reference) > WISE_REFERENCE_MAX or not REFERENCE_RE.match(line.reference):
        problems.append(f"the reference is longer than {WISE_REFERENCE_MAX} characters")
    problems += _amount_problems(line, places=minor_unit(line.currency))
    return problems


def line_problems(line: FileLine, *, brand: str = "") -> list[str]:
    """Why the line cannot be paid by the file of the creator's payout method."""
    if line.details is None:
        return ["no payout details: the creator adds them in the creator portal"]
    if line.details.method == PayoutMethod.PAYPAL:
        return paypal_problems(line, brand=brand)
    return wise_problems(line)


def _write(rows: Iterable[Sequence[Any]], header: Sequence[str] | None) -> bytes:
    out = io.StringIO()
    # CRLF as RFC 4180 and spreadsheet exports write it; quoting only where needed.
    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _refuse(line: FileLine, problems: list[str], provider: str) -> None:
    raise PayoutFileError(
        f"{line.creator_name} ({line.reference}) cannot go in the {provider} file: "
        + "; ".join(problems)
        + "."
    )


def _one_currency(lines: Sequence[FileLine], currency: str, method: str) -> list[FileLine]:
    return [
        line
        for line in lines
        if line.currency == currency and line.details and line.details.method == method
    ]


def paypal_rows(lines: Sequence[FileLine], *, currency: str, brand: str) -> list[list[str]]:
    """The rows of PayPal's bulk CSV for the PayPal lines in `currency`, each checked."""
    chosen = _one_currency(lines, currency, PayoutMethod.PAYPAL)
    if len(chosen) > PAYPAL_MAX_ROWS:
        raise PayoutFileError(f"PayPal takes at most {PAYPAL_MAX_ROWS} payouts per file.")
    rows = []
    for line in chosen:
        problems = paypal_problems(line, brand=brand)
        if problems:
            _refuse(line, problems, "PayPal")
        assert line.details is not None
        rows.append(
            [
                neutralise(line.details.paypal_email),
                money_text_to(line.amount, paypal_places(currency)),
                currency,
                neutralise(line.reference),
                neutralise(paypal_note(line, brand)),
                PAYPAL_WALLET,
            ]
        )
    return rows


def paypal_csv(lines: Sequence[FileLine], *, currency: str, brand: str) -> bytes:
    """PayPal Payouts' bulk CSV (no header) for `currency`."""
    return _write(paypal_rows(lines, currency=currency, brand=brand), header=None)


def wise_header(currency: str) -> tuple[str, ...]:
    return (*WISE_COMMON_COLUMNS, *WISE_ACCOUNT_COLUMNS[currency])


def _wise_account(details: PayoutDetailsData, currency: str) -> list[str]:
    if currency == "EUR":
        return [details.iban]
    if currency == "GBP":
        return [details.sort_code, details.account_number]
    return [
        details.abartn,
        details.account_number,
        details.account_type,
        details.address_country,
        details.address_city,
        details.address_first_line,
        details.address_state,
        details.address_post_code,
    ]


def wise_rows(lines: Sequence[FileLine], *, currency: str) -> list[list[str]]:
    """The rows of Wise's batch CSV for the bank-transfer lines in `currency`, each checked."""
    if currency not in WISE_ACCOUNT_COLUMNS:
        raise PayoutFileError(f"Wise transfers in {currency} are not in this export.")
    chosen = _one_currency(lines, currency, PayoutMethod.WISE)
    if len(chosen) > WISE_MAX_ROWS:
        raise PayoutFileError(f"Wise takes at most {WISE_MAX_ROWS} transfers per batch.")
    rows = []
    for line in chosen:
        problems = wise_problems(line)
        if problems:
            _refuse(line, problems, "Wise")
        details = line.details
        assert details is not None
        cells = [
            details.account_holder,
            line.creator_email,
            line.reference,
            details.receiver_type,
            WISE_AMOUNT_CURRENCY,
            money_text(line.amount, currency),
            currency,
            currency,
            *_wise_account(details, currency),
        ]
        rows.append([neutralise(c) for c in cells])
    return rows


def wise_csv(lines: Sequence[FileLine], *, currency: str) -> bytes:
    """Wise's "Send to bank accounts" batch CSV for `currency`."""
    return _write(wise_rows(lines, currency=currency), header=wise_header(currency))


def plain_rows(run_id: int, lines: Iterable[tuple[FileLine, str, str]]) -> Iterator[list[str]]:
    """Every line of the run (to pay, carried, rejected) for the plain CSV: (line, outcome,
    reason). Amounts in the currency's decimals; text neutralised."""
    for line, outcome, reason in lines:
        details = line.details
        yield [
            str(run_id),
            line.reference,
            str(line.creator_id),
            neutralise(line.creator_name),
            neutralise(line.creator_email),
            line.currency,
            money_text(line.amount, line.currency),
            outcome,
            neutralise(reason),
            details.method if details else "",
            neutralise(details.hint()) if details else "",
        ]


def plain_csv(run_id: int, lines: Iterable[tuple[FileLine, str, str]]) -> bytes:
    return _write(plain_rows(run_id, lines), header=PLAIN_HEADER)
