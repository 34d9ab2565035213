# ruff: noqa: S608  (SQL from this file's own constants; no values)
"""Keep the rollups (MetricRollup, MetricTotal) equal to the facts, in the facts' transaction.

Statement-level triggers on attribution_dailymetric (INSERT, UPDATE, DELETE, with transition
tables) collect the keys a statement touched and the earliest day it touched for each, then
attribution_rollup_refresh recomputes those keys' rollup rows from that day on out of the facts
themselves: the day's sums (publishers together) and running totals continuing from the key's
last row before that day. Recomputing rather than adding deltas means a restatement, a removed
row, a held pull applied later or a history re-pull can never count anything twice, and the
sync's daily write (a new day, a few restated days) recomputes only those days.

The functions run as the writing role, so row-level security binds them like any statement
(each rollup row carries its facts' organisation). Then every organisation's existing facts
are rolled up, one organisation at a time with it as the tenant (as 0004 in campaigns does).

The metric list is this migration's own copy: a new metric needs a new migration.
"""

from django.db import migrations

from tenancy.rls import EnableRowLevelSecurity

METRICS = (
    "clicks",
    "detail_page_views",
    "add_to_cart",
    "purchases",
    "units_sold",
    "sales",
    "total_detail_page_views",
    "total_add_to_cart",
    "total_purchases",
    "total_units_sold",
    "total_sales",
    "brand_referral_bonus",
)
# The facts' metrics summed, and how many fact rows (a range "has figures" when it is not 0).
ROLLED = (*METRICS, "fact_rows")
M = ", ".join(ROLLED)
M_TO_DATE = ", ".join(f"{m}_to_date" for m in ROLLED)
KEY_COLUMNS = "store_id, level, amazon_campaign_id, amazon_adgroup_id, amazon_creative_id"


def _match(alias: str) -> str:
    return (
        f"{alias}.store_id = t.store_id AND {alias}.level = t.level "
        f"AND {alias}.amazon_campaign_id = t.campaign AND {alias}.amazon_adgroup_id = t.adgroup "
        f"AND {alias}.amazon_creative_id = t.creative"
    )


def _fact_keys(source: str) -> str:
    return (
        "ARRAY(SELECT ROW(g.*)::attribution_rollup_key FROM (SELECT organization_id, "
        "store_id, level, amazon_campaign_id, amazon_adgroup_id, amazon_creative_id, min(date) "
        f"FROM {source} GROUP BY 1, 2, 3, 4, 5, 6) g)"
    )


SUMS = ", ".join(f"sum(d.{m}) AS {m}" for m in METRICS) + ", count(*) AS fact_rows"
RUNNING = ", ".join(f"coalesce(t.{m}_to_date, 0) + sum(f.{m}) OVER w" for m in ROLLED)

KEY_TYPE = """
CREATE TYPE attribution_rollup_key AS (
    organization_id bigint, store_id bigint, level varchar(8), campaign varchar(255),
    adgroup varchar(255), creative varchar(255), from_date date
);

"""

# Also run by migration 0012 (CREATE OR REPLACE) on databases that ran an earlier version.
REFRESH = f"""
CREATE OR REPLACE FUNCTION attribution_rollup_refresh(fact_keys attribution_rollup_key[]) RETURNS void
LANGUAGE plpgsql
-- plans for the keys at hand (migration 0012 of attribution says why)
SET plan_cache_mode = force_custom_plan AS $fn$
DECLARE
    touched attribution_rollup_key[];
    stores bigint[];
    since date;
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

    DELETE FROM attribution_metricrollup r USING unnest(touched) t
    WHERE {_match("r")} AND r.date >= t.from_date;

    -- each key with its running totals before the first day recomputed: one index probe per
    -- key (joined after the facts, the probe ran once per row written)
    WITH t AS MATERIALIZED (
        SELECT t.*, {", ".join(f"b.{m}_to_date" for m in ROLLED)}
        FROM unnest(touched) t
        LEFT JOIN LATERAL (
            SELECT {", ".join(f"r.{m}_to_date" for m in ROLLED)}
            FROM attribution_metricrollup r
            WHERE {_match("r")} AND r.date < t.from_date
            ORDER BY r.date DESC LIMIT 1
        ) b ON true
    )
    INSERT INTO attribution_metricrollup
        (organization_id, {KEY_COLUMNS}, date, {M}, {M_TO_DATE})
    SELECT t.organization_id, t.store_id, t.level, t.campaign, t.adgroup, t.creative, f.date,
           {", ".join(f"f.{m}" for m in ROLLED)}, {RUNNING}
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
    WINDOW w AS (PARTITION BY t.store_id, t.level, t.campaign, t.adgroup, t.creative
                 ORDER BY f.date);

    DELETE FROM attribution_metrictotal m USING unnest(touched) t WHERE {_match("m")};

    INSERT INTO attribution_metrictotal (organization_id, {KEY_COLUMNS}, last_date, {M})
    SELECT t.organization_id, t.store_id, t.level, t.campaign, t.adgroup, t.creative, r.date,
           {", ".join(f"r.{m}_to_date" for m in ROLLED)}
    FROM unnest(touched) t
    JOIN LATERAL (
        SELECT r.date, {", ".join(f"r.{m}_to_date" for m in ROLLED)}
        FROM attribution_metricrollup r WHERE {_match("r")}
        ORDER BY r.date DESC LIMIT 1
    ) r ON true;
END
$fn$;

"""

TRIGGERS = f"""
CREATE OR REPLACE FUNCTION attribution_dailymetric_rolled_up() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM attribution_rollup_refresh({_fact_keys("new_rows")});
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM attribution_rollup_refresh({_fact_keys("old_rows")});
    ELSE
        PERFORM attribution_rollup_refresh({
    _fact_keys("(SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows) AS changed")
});
    END IF;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER dailymetric_rollup_insert AFTER INSERT ON attribution_dailymetric
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION attribution_dailymetric_rolled_up();
CREATE TRIGGER dailymetric_rollup_update AFTER UPDATE ON attribution_dailymetric
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION attribution_dailymetric_rolled_up();
CREATE TRIGGER dailymetric_rollup_delete AFTER DELETE ON attribution_dailymetric
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION attribution_dailymetric_rolled_up();
"""

FORWARD = KEY_TYPE + REFRESH + TRIGGERS

BACKWARD = """
DROP TRIGGER IF EXISTS dailymetric_rollup_insert ON attribution_dailymetric;
DROP TRIGGER IF EXISTS dailymetric_rollup_update ON attribution_dailymetric;
DROP TRIGGER IF EXISTS dailymetric_rollup_delete ON attribution_dailymetric;
DROP FUNCTION IF EXISTS attribution_dailymetric_rolled_up();
DROP FUNCTION IF EXISTS attribution_rollup_refresh(attribution_rollup_key[]);
DROP TYPE IF EXISTS attribution_rollup_key;
"""


def backfill(apps, schema_editor):
    """Roll up every organisation's facts, with that organisation as the tenant (row-level
    security binds the migrating role too), then clear the tenant again."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id FROM tenancy_organization ORDER BY id")
        organizations = [row[0] for row in cursor.fetchall()]
        for organization_id in organizations:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(organization_id)])
            cursor.execute(
                "SELECT attribution_rollup_refresh(" + _fact_keys("attribution_dailymetric") + ")"
            )
        cursor.execute("SELECT set_config('app.tenant_id', '', true)")


class Migration(migrations.Migration):
    dependencies = [("attribution", "0010_metric_rollups")]

    operations = [
        EnableRowLevelSecurity("attribution_metricrollup"),
        EnableRowLevelSecurity("attribution_metrictotal"),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
