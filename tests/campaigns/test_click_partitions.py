"""Click events live in monthly partitions: created ahead by the scheduler, each bound by
row-level security even when queried directly, and dropped after
CLICK_EVENTS_RETENTION_MONTHS only once the daily rollup holds every click of them."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from campaigns.clicks import flush, partitions
from campaigns.clicks.partitions import Partition, partition_name
from campaigns.models import ClickEvent, LinkClickDaily
from campaigns.tasks import clicks_partitions_maintain_task
from config.health import rls_problems
from tenancy.scoping import tenant_scope


def entry(world, link, when: datetime, *, sub: str = "", bot: bool = False, unique: bool = True):
    return {
        "id": uuid.uuid4().hex,
        "link": str(link.pk),
        "org": str(world.org.pk),
        "ts": f"{when.timestamp():.6f}",
        "sub": sub,
        "ip": "ab" * 32,
        "ua": "bot" if bot else "browser",
        "ref": "",
        "u": "1" if unique and not bot else "0",
        "bot": "1" if bot else "0",
        "self": "0",
    }


def partition_names() -> list[str]:
    return [p.name for p in partitions.partitions_list()]


def rows_in(table: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT organization_id FROM "{table}" ORDER BY id')
        return [r[0] for r in cursor.fetchall()]


def test_the_table_is_partitioned_by_month_with_the_key_in_every_unique_constraint(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partstrat, a.attname FROM pg_partitioned_table pt "
            "JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0] "
            "WHERE pt.partrelid = 'campaigns_clickevent'::regclass"
        )
        assert cursor.fetchall() == [("r", "occurred_at")]
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'campaigns_clickevent'::regclass AND contype IN ('p', 'u') "
            "ORDER BY conname"
        )
        assert cursor.fetchall() == [
            ("campaigns_clickevent_pkey", "PRIMARY KEY (id, occurred_at)"),
            ("clickevent_click_once", "UNIQUE (click_id, occurred_at)"),
        ]


def test_the_scheduler_creates_partitions_ahead_idempotently(db):
    today = date(2031, 11, 20)
    created = partitions.partitions_ensure_ahead(today)
    assert created == [
        "campaigns_clickevent_p203111",
        "campaigns_clickevent_p203112",
        "campaigns_clickevent_p203201",
        "campaigns_clickevent_p203202",
    ]
    assert partitions.partitions_ensure_ahead(today) == []  # again: nothing new, no error
    assert set(created) <= set(partition_names())
    with connection.cursor() as cursor:
        assert rls_problems(cursor) == []
    # the beat task does the same for the current month and three ahead
    result = clicks_partitions_maintain_task()
    now = datetime.now(UTC).date().replace(day=1)
    assert set(result) == {"created", "dropped", "kept"}
    for n in range(4):
        assert partition_name(partitions.add_months(now, n)) in partition_names()


def test_a_click_in_a_month_without_a_partition_gets_one(worlds):
    world = worlds["alpha"]
    when = datetime(2019, 3, 14, 12, tzinfo=UTC)
    assert "campaigns_clickevent_p201903" not in partition_names()
    assert flush.clicks_write([entry(world, world.links[0], when)]) == 1
    assert "campaigns_clickevent_p201903" in partition_names()
    with tenant_scope(world.org):
        assert ClickEvent.objects.get().occurred_at == when
    with connection.cursor() as cursor:
        assert rls_problems(cursor) == []


def test_a_partition_queried_directly_is_bound_by_row_level_security(worlds):
    alpha, bravo = worlds["alpha"], worlds["bravo"]
    when = datetime(2020, 5, 2, 15, tzinfo=UTC)
    flush.clicks_write(
        [
            entry(alpha, alpha.links[0], when),
            entry(bravo, bravo.links[0], when),
            entry(bravo, bravo.links[1], when),
        ]
    )
    table = "campaigns_clickevent_p202005"
    # the app role, no tenant in scope: nothing, not even through the partition's own name
    assert rows_in(table) == []
    with tenant_scope(alpha.org):
        assert rows_in(table) == [alpha.org.pk]
    with tenant_scope(bravo.org):
        assert rows_in(table) == [bravo.org.pk, bravo.org.pk]
        # and writing another tenant's row straight into the partition is refused
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    f'INSERT INTO "{table}" (click_id, occurred_at, sub_id, ip_hash, ua_class, '
                    "referrer_host, is_unique, is_bot, is_self, link_id, organization_id) "
                    "VALUES (%s, %s, '', '', 'browser', '', true, false, false, %s, %s)",
                    [str(uuid.uuid4()), when, alpha.links[0].pk, alpha.org.pk],
                )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        assert cursor.fetchone()[1] is False


def test_health_reports_a_partition_without_row_level_security(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE campaigns_clickevent_p203905 PARTITION OF campaigns_clickevent "
            "FOR VALUES FROM ('2039-05-01 00:00+00') TO ('2039-06-01 00:00+00')"
        )
        assert rls_problems(cursor) == ["campaigns_clickevent_p203905"]


def test_the_same_click_twice_is_written_once(worlds):
    world = worlds["alpha"]
    one = entry(world, world.links[0], datetime(2021, 1, 31, 23, 59, tzinfo=UTC))
    assert flush.clicks_write([one]) == 1
    assert flush.clicks_write([one, one]) == 0
    with tenant_scope(world.org):
        assert ClickEvent.objects.count() == 1
        assert LinkClickDaily.objects.get(sub_id="").raw_hits == 1


# --- retention ---------------------------------------------------------------------------------

NOW = datetime(2027, 3, 10, 9, tzinfo=UTC)


def rollup(world) -> dict:
    with tenant_scope(world.org):
        return {
            (r.link_id, r.date, r.sub_id): (r.clicks, r.raw_hits, r.bot_hits)
            for r in LinkClickDaily.objects.all()
        }


def test_expired_partitions_are_dropped_one_at_a_time_and_the_rollup_stays(
    worlds, settings, caplog
):
    settings.CLICK_EVENTS_RETENTION_MONTHS = 13
    alpha, bravo = worlds["alpha"], worlds["bravo"]
    # Given clicks in December 2025 and January 2026 (months that ended more than 13 months
    # before NOW) and in February 2026 (ended 2026-03-01: 12 months and 9 days before NOW)
    old = [
        entry(alpha, alpha.links[0], datetime(2026, 1, 5, 18, tzinfo=UTC), sub="ig"),
        entry(alpha, alpha.links[0], datetime(2026, 1, 31, 23, 30, tzinfo=UTC)),  # LA: Jan 31
        entry(bravo, bravo.links[1], datetime(2026, 1, 20, tzinfo=UTC), bot=True),
        entry(alpha, alpha.links[1], datetime(2025, 12, 24, tzinfo=UTC)),
    ]
    kept = [entry(alpha, alpha.links[0], datetime(2026, 2, 1, 3, tzinfo=UTC))]  # LA: Jan 31
    assert flush.clicks_write(old + kept) == 5
    before = (rollup(alpha), rollup(bravo))
    # When the daily job runs
    with caplog.at_level(logging.INFO):
        result = partitions.partitions_maintain(NOW)
    # Then December 2025 and January 2026 are gone, February 2026 stays
    assert result["dropped"] == ["campaigns_clickevent_p202512", "campaigns_clickevent_p202601"]
    assert result["kept"] == []
    names = partition_names()
    assert "campaigns_clickevent_p202601" not in names
    assert "campaigns_clickevent_p202602" in names
    with tenant_scope(alpha.org):
        assert ClickEvent.objects.count() == 1
    with tenant_scope(bravo.org):
        assert ClickEvent.objects.count() == 0
    # and the daily rollup (kept forever) still holds every click
    assert (rollup(alpha), rollup(bravo)) == before
    la_jan_31 = before[0][(alpha.links[0].pk, date(2026, 1, 31), "")]
    assert la_jan_31 == (2, 2, 0)
    # and running it again drops nothing more
    assert partitions.partitions_maintain(NOW)["dropped"] == []


def test_a_partition_with_clicks_the_rollup_lacks_is_kept(worlds, settings, caplog):
    settings.CLICK_EVENTS_RETENTION_MONTHS = 13
    alpha, bravo = worlds["alpha"], worlds["bravo"]
    flush.clicks_write(
        [
            entry(alpha, alpha.links[0], datetime(2025, 11, 3, 12, tzinfo=UTC)),
            entry(bravo, bravo.links[0], datetime(2025, 11, 4, 12, tzinfo=UTC)),
        ]
    )
    # Given a click that reached the table without the flush (so no rollup holds it)
    with tenant_scope(bravo.org):
        ClickEvent.objects.create(
            click_id=uuid.uuid4(),
            link=bravo.links[1],
            occurred_at=datetime(2025, 11, 9, 12, tzinfo=UTC),
            ua_class="browser",
            is_unique=True,
        )
    # When the daily job runs past its retention
    with caplog.at_level(logging.ERROR):
        result = partitions.partitions_maintain(NOW)
    # Then that month is kept (nothing is lost), with an error naming the missing row
    assert result["kept"] == ["campaigns_clickevent_p202511"]
    assert "campaigns_clickevent_p202511" in partition_names()
    assert "rollup lacks clicks" in caplog.text
    problems = partitions.partition_unrolled(
        Partition("campaigns_clickevent_p202511", date(2025, 11, 1))
    )
    assert [(org, row[0], row[1]) for org, row in problems] == [
        (bravo.org.pk, bravo.links[1].pk, date(2025, 11, 9))
    ]
    # And once the rollup holds it, the next run drops the month
    with tenant_scope(bravo.org):
        LinkClickDaily.objects.create(
            link=bravo.links[1], date=date(2025, 11, 9), clicks=1, raw_hits=1
        )
    assert partitions.partitions_maintain(NOW)["dropped"] == ["campaigns_clickevent_p202511"]


def test_a_rollup_short_on_a_day_shared_with_the_next_month_keeps_the_partition(worlds, settings):
    settings.CLICK_EVENTS_RETENTION_MONTHS = 13
    alpha = worlds["alpha"]
    link = alpha.links[0]
    # Given one local day (Los Angeles, Oct 31) spread over two UTC months
    flush.clicks_write(
        [
            entry(alpha, link, datetime(2025, 10, 31, 20, tzinfo=UTC)),
            entry(alpha, link, datetime(2025, 11, 1, 2, tzinfo=UTC)),
        ]
    )
    # and a rollup that lost one of that day's clicks
    with tenant_scope(alpha.org):
        LinkClickDaily.objects.filter(link=link, date=date(2025, 10, 31)).update(
            clicks=1, raw_hits=1
        )
    # Then October cannot be proven held, so it stays
    result = partitions.partitions_maintain(NOW)
    assert "campaigns_clickevent_p202510" in result["kept"]


@pytest.mark.parametrize(
    ("now", "months", "expired"),
    [
        (datetime(2027, 3, 10, tzinfo=UTC), 13, ["p202512", "p202601"]),
        (datetime(2027, 2, 28, tzinfo=UTC), 13, ["p202512"]),
        (datetime(2027, 3, 1, tzinfo=UTC), 13, ["p202512", "p202601"]),
        (
            datetime(2027, 3, 10, tzinfo=UTC),
            1,
            ["p202512", "p202601", "p202602", "p202612", "p202701"],
        ),
    ],
)
def test_expiry_counts_whole_months_after_a_partitions_end(db, settings, now, months, expired):
    settings.CLICK_EVENTS_RETENTION_MONTHS = months
    months = [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1), date(2026, 12, 1)]
    partitions.partitions_ensure([*months, date(2027, 1, 1)])
    mine = {partition_name(m) for m in [*months, date(2027, 1, 1)]}
    found = [p.name.rsplit("_", 1)[1] for p in partitions.partitions_expired(now) if p.name in mine]
    assert found == expired


# --- the migration -----------------------------------------------------------------------------

BEFORE = ("campaigns", "0005_campaigncreator_moves_here")
AFTER = ("campaigns", "0006_clickevent_partitioned_by_month")


@pytest.mark.django_db(transaction=True)
def test_existing_clicks_move_into_the_partitioned_table(worlds):
    """Committed rows (a transactional test): going back to before the partitioning reverses
    later migrations of other apps too, and PostgreSQL refuses ALTER TABLE on a table with
    pending constraint checks of the same transaction. Ends at the latest migrations again."""
    from django.db.migrations.executor import MigrationExecutor

    try:
        _existing_clicks_move(worlds)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _existing_clicks_move(worlds) -> None:
    from django.db.migrations.executor import MigrationExecutor

    alpha, bravo = worlds["alpha"], worlds["bravo"]
    # Given the click table as it was before partitioning, with both tenants' clicks in it
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_partitioned_table")
        assert cursor.fetchone()[0] == 0
    clicks = [
        (alpha, alpha.links[0], datetime(2024, 2, 29, 23, tzinfo=UTC)),
        (alpha, alpha.links[1], datetime(2026, 11, 2, tzinfo=UTC)),
        (bravo, bravo.links[0], datetime(2025, 7, 4, 12, tzinfo=UTC)),
    ]
    ids = {}
    for world, link, when in clicks:
        with tenant_scope(world.org), connection.cursor() as cursor:
            click_id = uuid.uuid4()
            cursor.execute(
                "INSERT INTO campaigns_clickevent (click_id, occurred_at, sub_id, ip_hash, "
                "ua_class, referrer_host, is_unique, is_bot, is_self, link_id, organization_id) "
                "VALUES (%s, %s, 'nl', '', 'mobile', 'example.org', true, false, false, %s, %s) "
                "RETURNING id",
                [str(click_id), when, link.pk, world.org.pk],
            )
            ids[click_id] = (cursor.fetchone()[0], world.org.pk, link.pk, when)
    # When the migration runs (as the app role, under row-level security)
    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    # Then every click is there, in its month's partition, with its id
    moved = {}
    for world in (alpha, bravo):
        with tenant_scope(world.org):
            for e in ClickEvent.objects.all():
                moved[e.click_id] = (e.pk, e.organization_id, e.link_id, e.occurred_at)
                assert (e.sub_id, e.ua_class, e.referrer_host) == ("nl", "mobile", "example.org")
    assert moved == ids
    names = partition_names()
    for month in ("202402", "202507", "202611", "202612", "202701", "202702"):
        assert f"campaigns_clickevent_p{month}" in names
    with connection.cursor() as cursor:
        # (later migrations of other apps are not applied yet: only the click tables count)
        problems = [t for t in rls_problems(cursor) if t.startswith("campaigns_clickevent")]
        assert problems == []
    # and new clicks get new ids
    new = entry(alpha, alpha.links[0], datetime(2026, 11, 3, tzinfo=UTC))
    assert flush.clicks_write([new]) == 1
    with tenant_scope(alpha.org):
        latest = ClickEvent.objects.get(click_id=uuid.UUID(new["id"]))
    assert latest.pk > max(pk for pk, *_ in ids.values())
