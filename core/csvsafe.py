"""CSV cells a spreadsheet will not run as a formula (CSV injection, OWASP's advice): a text
cell whose first character starts a formula gets a leading apostrophe, so it shows as typed.

Formula starts are `=`, `+`, `-`, `@`, tab and carriage return, and every character that
Unicode compatibility normalisation (NFKC) folds into one of them: the full-width forms
U+FF1D, U+FF0B, U+FF0D and U+FF20 (spreadsheets fed East Asian input read them like the ASCII
ones), the small forms (U+FE62, U+FE63, U+FE66, U+FE6B), super- and subscript plus and
equals; and the minus sign U+2212 (with the super- and subscript minus that fold into it).
Numbers are not text and are never changed: an amount of -1.25 stays a number a
spreadsheet can sum.

Every CSV a person downloads writes its text cells through `neutralise`."""

from __future__ import annotations

import unicodedata

FORMULA_STARTS = frozenset("=+-@\t\r")
# What a non-ASCII first character may fold to (NFKC) and still start a formula.
_FOLDED_STARTS = FORMULA_STARTS | {"\u2212"}


def starts_formula(text: str) -> bool:
    """True when a spreadsheet would read `text` as a formula."""
    if not text:
        return False
    first = text[0]
    if first in FORMULA_STARTS:
        return True
    return first > "\x7f" and unicodedata.normalize("NFKC", first)[:1] in _FOLDED_STARTS


def neutralise(text: str) -> str:
    """`text`, with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + text if starts_formula(text) else text
