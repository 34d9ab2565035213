"""Money is rounded in one place (core.money) and shown by one filter (core's `money`)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _product_files():
    skip = {".venv", ".data", "node_modules", "tests", "bench", "migrations", ".git"}
    for path in ROOT.rglob("*.py"):
        if not skip.intersection(path.relative_to(ROOT).parts):
            yield path.relative_to(ROOT).as_posix(), path.read_text()


# Files that may call quantize() for figures that are not money.
NOT_MONEY = {
    "reporting/values.py": "percentages: conversion rate and changes",
    "reporting/selectors/performance.py": "percentages: the funnel's step ratios",
}
# Money rounding still to be switched to core.money.money_round by its owner.
PENDING: dict[str, str] = {}


def test_money_is_rounded_in_one_place():
    offenders = {}
    for name, text in _product_files():
        if name == "core/money.py" or name in NOT_MONEY:
            continue
        hits = [m.group(0) for m in re.finditer(r"\.quantize\(|ROUND_HALF_\w+", text)]
        if hits and name not in PENDING:
            offenders[name] = hits
        if not hits and name in PENDING:
            offenders[name] = ["no longer rounds: remove it from PENDING"]
    assert offenders == {}


def test_templates_format_money_with_the_money_filter():
    """floatformat:2 showed every currency with two decimals ("1234.00" for yen)."""
    templates = ROOT / "templates"
    hits = [
        p.relative_to(ROOT).as_posix()
        for p in templates.rglob("*.html")
        if "floatformat:2" in p.read_text()
    ]
    assert hits == []
