# ruff: noqa: S608  (SQL from this file's own constants; no values)
"""Number the rollup keys, and key the daily rollup rows by that number (issue 16).

Reading a range costs one index probe per key into attribution_metricrollup. With the key's
five columns (store, level and three Amazon id strings) on every row and in its unique index,
a probe on a big brand (2,000 creators x 3 links, 2.9 million rows among 11 million) took 26
to 37 µs: a wide index descent, then a wide row. Now MetricTotal's row is the key's one
identity (its id the key's number, kept while the key has figures) and a rollup row is only
(key number, date, figures), with (key_id, date) as its primary key.

The rollup rows are derived, so this rebuilds them: the table is re-created in its new shape,
the totals emptied, and every organisation's facts rolled up again by the new
attribution_rollup_refresh (one organisation at a time, as migration 0011 does).
"""

from importlib import import_module

import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models

from tenancy.rls import EnableRowLevelSecurity, policy_sql

_0011 = import_module("attribution.migrations.0011_metric_rollup_triggers")
ROLLED, M, M_TO_DATE = _0011.ROLLED, _0011.M, _0011.M_TO_DATE
KEY_COLUMNS, SUMS, RUNNING = _0011.KEY_COLUMNS, _0011.SUMS, _0011.RUNNING
_match = _0011._match

REFRESH = f"""
CREATE OR REPLACE FUNCTION attribution_rollup_refresh(fact_keys attribution_rollup_key[]) RETURNS void
LANGUAGE plpgsql
-- plans for the keys at hand (migration 0012 of attribution says why)
SET plan_cache_mode = force_custom_plan AS $fn$
DECLARE
    touched attribution_rollup_key[];
    stores bigint[];
    since date;
    ids bigint[];
    froms date[];
BEGIN
    IF coalesce(cardinality(fact_keys), 0) = 0 THEN
        RETURN;
    END IF;
    -- The rollup keys of the touched facts (an ad group's also count for its campaign's
    -- "all ad groups" key), each from the earliest day touched.
    touched := ARRAY(
        SELECT ROW(g.*)::attribution_rollup_key FROM (
            SELECT u.organization_id, u.store_id, u.level, u.campaign, u.adgroup, u.creative,
                   min(u.from_date)
            FROM (
                SELECT k.organization_id, k.store_id, k.level, k.campaign, k.adgroup,
                       k.creative, k.from_date
                FROM unnest(fact_keys) k
                UNION ALL
                SELECT k.organization_id, k.store_id, 'adgroups', k.campaign, '', '',
                       k.from_date
                FROM unnest(fact_keys) k WHERE k.level = 'adgroup'
            ) u
            GROUP BY 1, 2, 3, 4, 5, 6
        ) g
    );
    SELECT array_agg(DISTINCT t.store_id), min(t.from_date) INTO stores, since
    FROM unnest(touched) t;

    -- Every touched key has its number: a key seen for the first time gets a totals row
    -- (filled in below), an existing key keeps its own.
    INSERT INTO attribution_metrictotal (organization_id, {KEY_COLUMNS}, last_date, {M})
    SELECT t.organization_id, t.store_id, t.level, t.campaign, t.adgroup, t.creative,
           t.from_date, {", ".join("0" for _ in ROLLED)}
    FROM unnest(touched) t
    ON CONFLICT ({KEY_COLUMNS}) DO NOTHING;
    SELECT array_agg(m.id), array_agg(t.from_date) INTO ids, froms
    FROM unnest(touched) t JOIN attribution_metrictotal m ON {_match("m")};

    DELETE FROM attribution_metricrollup r USING unnest(ids, froms) k(id, from_date)
    WHERE r.key_id = k.id AND r.date >= k.from_date;

    -- Each key with its number and its running totals before the first day recomputed (one
    -- index probe per key; migration 0012 of attribution says why not one per row written).
    -- Both are LATERAL lookups of at most one row, so PostgreSQL estimates the keys at their
    -- real number: estimated at one row (a plain join with the totals on five columns), it
    -- recomputed every key's sums once per key. The facts' sums are then joined in bulk, as
    -- 0011 does: per key by index, a plan made before the facts' first ANALYZE could walk a
    -- whole store's rows for every key.
    WITH t AS MATERIALIZED (
        SELECT t.*, m.id AS key_id, {", ".join(f"b.{m}_to_date" for m in ROLLED)}
        FROM unnest(touched) t
        LEFT JOIN LATERAL (
            SELECT m.id FROM attribution_metrictotal m WHERE {_match("m")} LIMIT 1
        ) m ON true
        LEFT JOIN LATERAL (
            SELECT {", ".join(f"r.{m}_to_date" for m in ROLLED)}
            FROM attribution_metricrollup r
            WHERE r.key_id = m.id AND r.date < t.from_date
            ORDER BY r.date DESC LIMIT 1
        ) b ON true
    )
    INSERT INTO attribution_metricrollup (organization_id, key_id, date, {M}, {M_TO_DATE})
    SELECT t.organization_id, t.key_id, f.date, {", ".join(f"f.{m}" for m in ROLLED)},
           {RUNNING}
    FROM t
    JOIN (
        SELECT d.store_id, d.level, d.amazon_campaign_id, d.amazon_adgroup_id,
               d.amazon_creative_id, d.date, {SUMS}
        FROM attribution_dailymetric d
        WHERE d.store_id = ANY(stores) AND d.date >= since
          AND (d.store_id, d.level, d.amazon_campaign_id, d.amazon_adgroup_id,
               d.amazon_creative_id) IN (
              SELECT k.store_id, k.level, k.campaign, k.adgroup, k.creative
              FROM unnest(touched) k)
        GROUP BY 1, 2, 3, 4, 5, 6
        UNION ALL
        SELECT d.store_id, 'adgroups', d.amazon_campaign_id, '', '', d.date, {SUMS}
        FROM attribution_dailymetric d
        WHERE d.store_id = ANY(stores) AND d.date >= since AND d.level = 'adgroup'
          AND (d.store_id, d.amazon_campaign_id) IN (
              SELECT k.store_id, k.campaign FROM unnest(touched) k WHERE k.level = 'adgroups')
        GROUP BY 1, 3, 6
    ) f ON f.store_id = t.store_id AND f.level = t.level AND f.amazon_campaign_id = t.campaign
       AND f.amazon_adgroup_id = t.adgroup AND f.amazon_creative_id = t.creative
       AND f.date >= t.from_date
    WINDOW w AS (PARTITION BY t.key_id ORDER BY f.date);

    -- each key's totals are its last row's running totals; a key left without figures (its
    -- facts deleted) has no totals row
    UPDATE attribution_metrictotal m
    SET last_date = r.date, {", ".join(f"{m} = r.{m}_to_date" for m in ROLLED)}
    FROM unnest(ids) k(id)
    JOIN LATERAL (
        SELECT r.date, {", ".join(f"r.{m}_to_date" for m in ROLLED)}
        FROM attribution_metricrollup r WHERE r.key_id = k.id
        ORDER BY r.date DESC LIMIT 1
    ) r ON true
    WHERE m.id = k.id;
    DELETE FROM attribution_metrictotal m USING unnest(ids) k(id)
    WHERE m.id = k.id
      AND NOT EXISTS (SELECT FROM attribution_metricrollup r WHERE r.key_id = k.id);
END
$fn$;

"""

# The previous version (0011, as 0012 re-created it) writes the old shape.
BACKWARD = _0011.REFRESH


def rebuild(apps, schema_editor):
    """Empty the totals (TRUNCATE: row-level security would hide every row from a DELETE
    without a tenant) and roll every organisation's facts up again, one organisation at a time
    with it as the tenant. The new table has no statistics until analysed, and the refresh's
    DELETE would then scan it whole for every organisation: it is analysed whenever the number
    of organisations rolled up reaches a power of two (a dozen times for 2,000)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("TRUNCATE attribution_metrictotal")
        cursor.execute("SELECT id FROM tenancy_organization ORDER BY id")
        organizations = [row[0] for row in cursor.fetchall()]
        for done, organization_id in enumerate(organizations, start=1):
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(organization_id)])
            cursor.execute(
                "SELECT attribution_rollup_refresh("
                + _0011._fact_keys("attribution_dailymetric")
                + ")"
            )
            if done & (done - 1) == 0:
                cursor.execute("ANALYZE attribution_metricrollup, attribution_metrictotal")
        cursor.execute("SELECT set_config('app.tenant_id', '', true)")


def rebuild_before(apps, schema_editor):
    """Backwards: the previous shape's rows, rolled up by the previous function (0011)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("TRUNCATE attribution_metrictotal")
    _0011.backfill(apps, schema_editor)


def _money(digits: int) -> models.DecimalField:
    return models.DecimalField(decimal_places=2, default=0, max_digits=digits)


def _figures(suffix: str, money_digits: int) -> list[tuple[str, models.Field]]:
    return [
        (
            m + suffix,
            _money(money_digits)
            if m in ("sales", "total_sales", "brand_referral_bonus")
            else models.BigIntegerField(default=0),
        )
        for m in ROLLED
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("attribution", "0012_rollup_refresh_plans"),
        ("tenancy", "0003_email_canonical"),
    ]

    operations = [
        # (backwards, these run last: the previous table's row-level security and rows)
        migrations.RunPython(migrations.RunPython.noop, rebuild_before),
        migrations.RunSQL(migrations.RunSQL.noop, policy_sql("attribution_metricrollup")),
        migrations.DeleteModel(name="MetricRollup"),
        migrations.CreateModel(
            name="MetricRollup",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "key", "date", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "key",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="attribution.metrictotal",
                    ),
                ),
                ("date", models.DateField()),
                *_figures("", 16),
                *_figures("_to_date", 18),
                (
                    "organization",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tenancy.organization",
                    ),
                ),
            ],
            options={"abstract": False, "base_manager_name": "unscoped"},
            managers=[
                ("objects", django.db.models.manager.Manager()),
                ("unscoped", django.db.models.manager.Manager()),
            ],
        ),
        EnableRowLevelSecurity("attribution_metricrollup"),
        migrations.RunSQL(REFRESH, BACKWARD),
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
