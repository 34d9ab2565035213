"""The owed rollups (commissions.models.OwedRollup / OwedTotal) against what the conversions
owe, summed the slow way through the one definition (`owing().with_owed()`)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from commissions.models import Conversion, OwedRollup, OwedTotal
from tenancy.scoping import tenant_scope


def assert_owed_rollups_equal_conversions(org) -> None:
    with tenant_scope(org):
        expected: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0])
        for c in Conversion.objects.owing().with_owed():
            for key in (("creator", c.campaign_creator_id), ("campaign", c.campaign_id)):
                expected[(*key, c.date)][0] += c.owed
                expected[(*key, c.date)][1] += 1
        rows = {(r.scope, r.scope_id, r.date): r for r in OwedRollup.objects.all()}
        totals = {(t.scope, t.scope_id): t for t in OwedTotal.objects.all()}
    assert set(rows) == set(expected)
    running: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0])
    last = {}
    for key_day in sorted(expected):
        key = key_day[:2]
        row = rows[key_day]
        assert [row.owed, row.conversions] == expected[key_day], key_day
        running[key][0] += expected[key_day][0]
        running[key][1] += expected[key_day][1]
        assert [row.owed_to_date, row.conversions_to_date] == running[key], key_day
        last[key] = key_day[2]
    assert set(totals) == set(running)
    for key, total in totals.items():
        assert (total.last_date, [total.owed, total.conversions]) == (last[key], running[key])
