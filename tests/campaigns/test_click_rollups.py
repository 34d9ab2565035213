"""Issue 16: our click rollups (ClickRollup per link, campaign creator or campaign and day;
ClickTotal per each) equal the sums of LinkClickDaily's all-sub-IDs rows after any sequence of
click flushes (the real write path, campaigns.clicks.flush) and removed rows; the other tenant
sees none of them. Sequences drawn by hypothesis."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.db.models import Count, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.clicks import flush
from campaigns.models import AffiliateLink, ClickRollup, ClickTotal, LinkClickDaily
from campaigns.rollups import LIFETIME, click_ranges
from tenancy.scoping import tenant_scope

DAY0 = datetime(2026, 10, 1, 19, 0, tzinfo=UTC)  # noon in Los Angeles

CLICK = st.tuples(
    st.integers(0, 5),  # which link
    st.integers(0, 20),  # which day
    st.sampled_from(["", "ig", "nl"]),  # sub-ID
    st.booleans(),  # unique
    st.booleans(),  # bot
)
STEP = st.one_of(
    st.tuples(st.just("flush"), st.lists(CLICK, min_size=1, max_size=8)),
    st.tuples(st.just("remove"), st.tuples(st.integers(0, 5), st.integers(0, 20))),
)


def assert_click_rollups_equal_rows(org) -> None:
    with tenant_scope(org):
        links = dict(AffiliateLink.objects.values_list("pk", "campaign_creator_id").order_by("pk"))
        campaigns = dict(AffiliateLink.objects.values_list("pk", "campaign_id"))
        expected: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        for link_id, day, clicks, n in (
            LinkClickDaily.objects.filter(sub_id="")
            .values_list("link_id", "date")
            .annotate(Sum("clicks"), Count("pk"))
        ):
            for key in (
                ("link", link_id),
                ("creator", links[link_id]),
                ("campaign", campaigns[link_id]),
            ):
                expected[(*key, day)][0] += clicks
                expected[(*key, day)][1] += n
        rows = {(r.scope, r.scope_id, r.date): r for r in ClickRollup.objects.order_by("date")}
        totals = {(t.scope, t.scope_id): t for t in ClickTotal.objects.all()}
    assert set(rows) == set(expected)
    running: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    last = {}
    for key_day in sorted(expected):
        key = key_day[:2]
        row = rows[key_day]
        assert [row.clicks, row.link_days] == expected[key_day], key_day
        running[key][0] += expected[key_day][0]
        running[key][1] += expected[key_day][1]
        assert [row.clicks_to_date, row.link_days_to_date] == running[key], key_day
        last[key] = key_day[2]
    assert set(totals) == set(running)
    for key, total in totals.items():
        assert (total.last_date, [total.clicks, total.link_days]) == (last[key], running[key])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=6))
def test_click_rollups_equal_the_daily_rows_after_any_flushes(steps, worlds):
    world = worlds["alpha"]
    links = world.links
    for action, arg in steps:
        if action == "flush":
            entries = [
                {
                    "id": uuid.uuid4().hex,
                    "link": str(links[i % len(links)].pk),
                    "org": str(world.org.pk),
                    "ts": str((DAY0 + timedelta(days=day)).timestamp()),
                    "sub": sub,
                    "ip": "ab" * 32,
                    "ua": "browser",
                    "u": "1" if unique else "0",
                    "bot": "1" if bot else "0",
                    "self": "0",
                }
                for i, day, sub, unique, bot in arg
            ]
            flush.clicks_write(entries)
        else:
            i, day = arg
            with tenant_scope(world.org):
                LinkClickDaily.objects.filter(
                    link=links[i % len(links)], date=(DAY0 + timedelta(days=day)).date()
                ).delete()
        assert_click_rollups_equal_rows(world.org)
    with tenant_scope(worlds["bravo"].org):
        assert not ClickRollup.objects.exists() and not ClickTotal.objects.exists()


def test_click_ranges_equal_sums_over_the_daily_rows(worlds):
    world = worlds["alpha"]
    flush.clicks_write(
        [
            {
                "id": uuid.uuid4().hex,
                "link": str(link.pk),
                "org": str(world.org.pk),
                "ts": str((DAY0 + timedelta(days=day)).timestamp()),
                "u": "1",
                "bot": "0",
                "self": "0",
            }
            for link in world.links
            for day in range(0, 30, 3)
        ]
    )
    ranges = {"a": (DAY0.date(), DAY0.date() + timedelta(days=9)), "b": (DAY0.date(), DAY0.date())}
    with tenant_scope(world.org):
        read = click_ranges(scope="link", ranges=ranges)
        assert set(read) == {link.pk for link in world.links}
        for link in world.links:
            rows = LinkClickDaily.objects.filter(link=link, sub_id="")
            for name, (start, end) in [
                *ranges.items(),
                (LIFETIME, (DAY0.date(), DAY0.date() + timedelta(days=99))),
            ]:
                expected = rows.filter(date__range=(start, end)).aggregate(n=Sum("clicks"))["n"]
                assert read[link.pk][name].clicks == (expected or 0), name
