# ruff: noqa: S608  (SQL from this file's own constants; no values)
"""Keep the owed rollups (OwedRollup, OwedTotal) equal to what the conversions owe, in the
writing statement's own transaction.

What a conversion owes is commissions.models' one definition: nothing when it is denied,
otherwise its commission plus the commission of its adjustments owed on top (included = false).
Statement-level triggers (with transition tables) on reporting_conversion and on
reporting_conversionadjustment collect the campaign creators and campaigns whose owed amount a
statement may have changed, each with the earliest day touched; commissions_owed_refresh
recomputes those keys' rollup rows from that day on out of the conversions themselves (running
totals continue from each key's last row before that day), so a restatement, a denial or a
re-settlement can never count anything twice. An UPDATE only counts the rows whose owed amount
could change (status to or from denied, commission, day, creator or campaign; an adjustment's
commission, whether it is included, or its conversion): approving ten thousand conversions
recomputes nothing.

The functions run as the writing role, so row-level security binds them like any statement
(each rollup row carries its conversions' organisation). Then every organisation's existing
conversions are rolled up, one organisation at a time with it as the tenant.
"""

from django.db import migrations

from tenancy.rls import EnableRowLevelSecurity

OWED_CHANGED = (
    "(o.status = 'denied') <> (n.status = 'denied') OR o.commission <> n.commission "
    "OR o.date <> n.date OR o.campaign_creator_id <> n.campaign_creator_id "
    "OR o.campaign_id <> n.campaign_id"
)
ADJUSTMENT_CHANGED = (
    "o.included <> n.included OR o.commission <> n.commission OR o.conversion_id <> n.conversion_id"
)


def _keys(source: str) -> str:
    """Both keys (the campaign creator and the campaign) of the conversions in `source`, which
    has organization_id, campaign_creator_id, campaign_id and date columns."""
    return (
        "ARRAY(SELECT ROW(g.*)::commissions_owed_key FROM ("
        f"SELECT organization_id, 'creator', campaign_creator_id, min(date) FROM {source} "
        "GROUP BY 1, 3 "
        f"UNION ALL SELECT organization_id, 'campaign', campaign_id, min(date) FROM {source} "
        "GROUP BY 1, 3) g)"
    )


def _owed(scope_column: str, scope: str) -> str:
    """Owed per `scope_column` and day over the owing conversions of the touched keys."""
    return f"""
        SELECT '{scope}' AS scope, c.{scope_column} AS scope_id, c.date,
               sum(c.commission + coalesce(a.extra, 0)) AS owed, count(*) AS conversions
        FROM reporting_conversion c
        LEFT JOIN LATERAL (
            SELECT sum(x.commission) AS extra FROM reporting_conversionadjustment x
            WHERE x.conversion_id = c.id AND NOT x.included
        ) a ON true
        WHERE c.status <> 'denied' AND c.date >= since AND c.{scope_column} IN (
            SELECT k.scope_id FROM unnest(touched) k WHERE k.scope = '{scope}')
        GROUP BY 2, 3"""


FORWARD = f"""
CREATE TYPE commissions_owed_key AS (
    organization_id bigint, scope varchar(8), scope_id bigint, from_date date
);

CREATE OR REPLACE FUNCTION commissions_owed_refresh(owed_keys commissions_owed_key[])
RETURNS void LANGUAGE plpgsql
-- plans for the keys at hand (migration 0012 of attribution says why)
SET plan_cache_mode = force_custom_plan AS $fn$
DECLARE
    touched commissions_owed_key[];
    since date;
BEGIN
    IF coalesce(cardinality(owed_keys), 0) = 0 THEN
        RETURN;
    END IF;
    touched := ARRAY(
        SELECT ROW(g.*)::commissions_owed_key FROM (
            SELECT k.organization_id, k.scope, k.scope_id, min(k.from_date)
            FROM unnest(owed_keys) k GROUP BY 1, 2, 3
        ) g
    );
    SELECT min(t.from_date) INTO since FROM unnest(touched) t;

    DELETE FROM commissions_owedrollup r USING unnest(touched) t
    WHERE r.scope = t.scope AND r.scope_id = t.scope_id AND r.date >= t.from_date;

    -- each key with its running totals before the first day recomputed: one index probe
    -- per key (joined after the facts, the probe ran once per row written)
    WITH t AS MATERIALIZED (
        SELECT t.*, b.owed_to_date, b.conversions_to_date
        FROM unnest(touched) t
        LEFT JOIN LATERAL (
            SELECT r.owed_to_date, r.conversions_to_date FROM commissions_owedrollup r
            WHERE r.scope = t.scope AND r.scope_id = t.scope_id AND r.date < t.from_date
            ORDER BY r.date DESC LIMIT 1
        ) b ON true
    )
    INSERT INTO commissions_owedrollup
        (organization_id, scope, scope_id, date, owed, owed_to_date, conversions,
         conversions_to_date)
    SELECT t.organization_id, t.scope, t.scope_id, f.date, f.owed,
           coalesce(t.owed_to_date, 0) + sum(f.owed) OVER w, f.conversions,
           coalesce(t.conversions_to_date, 0) + sum(f.conversions) OVER w
    FROM t
    JOIN ({_owed("campaign_creator_id", "creator")}
        UNION ALL {_owed("campaign_id", "campaign")}
    ) f ON f.scope = t.scope AND f.scope_id = t.scope_id AND f.date >= t.from_date
    WINDOW w AS (PARTITION BY t.scope, t.scope_id ORDER BY f.date);

    DELETE FROM commissions_owedtotal m USING unnest(touched) t
    WHERE m.scope = t.scope AND m.scope_id = t.scope_id;

    INSERT INTO commissions_owedtotal (organization_id, scope, scope_id, last_date, owed, conversions)
    SELECT t.organization_id, t.scope, t.scope_id, r.date, r.owed_to_date, r.conversions_to_date
    FROM unnest(touched) t
    JOIN LATERAL (
        SELECT r.date, r.owed_to_date, r.conversions_to_date FROM commissions_owedrollup r
        WHERE r.scope = t.scope AND r.scope_id = t.scope_id
        ORDER BY r.date DESC LIMIT 1
    ) r ON true;
END
$fn$;

CREATE OR REPLACE FUNCTION commissions_conversion_owed() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM commissions_owed_refresh({_keys("new_rows")});
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM commissions_owed_refresh({_keys("old_rows")});
    ELSE
        PERFORM commissions_owed_refresh({
    _keys(
        f"(SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {OWED_CHANGED} "
        f"UNION ALL SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id "
        f"WHERE {OWED_CHANGED}) AS changed"
    )
});
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION commissions_adjustment_owed() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    -- only adjustments owed on top count; an included one is folded into its conversion's
    -- commission, whose own UPDATE recomputes
    IF TG_OP = 'INSERT' THEN
        PERFORM commissions_owed_refresh({
    _keys(
        "(SELECT c.* FROM new_rows a JOIN reporting_conversion c ON c.id = a.conversion_id "
        "WHERE NOT a.included) AS adjusted"
    )
});
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM commissions_owed_refresh({
    _keys(
        "(SELECT c.* FROM old_rows a JOIN reporting_conversion c ON c.id = a.conversion_id "
        "WHERE NOT a.included) AS adjusted"
    )
});
    ELSE
        PERFORM commissions_owed_refresh({
    _keys(
        "(SELECT c.* FROM reporting_conversion c WHERE c.id IN ("
        f"SELECT o.conversion_id FROM old_rows o JOIN new_rows n ON n.id = o.id "
        f"WHERE {ADJUSTMENT_CHANGED} "
        f"UNION SELECT n.conversion_id FROM old_rows o JOIN new_rows n ON n.id = o.id "
        f"WHERE {ADJUSTMENT_CHANGED})) AS adjusted"
    )
});
    END IF;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER conversion_owed_insert AFTER INSERT ON reporting_conversion
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION commissions_conversion_owed();
CREATE TRIGGER conversion_owed_update AFTER UPDATE ON reporting_conversion
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION commissions_conversion_owed();
CREATE TRIGGER conversion_owed_delete AFTER DELETE ON reporting_conversion
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION commissions_conversion_owed();
CREATE TRIGGER adjustment_owed_insert AFTER INSERT ON reporting_conversionadjustment
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION commissions_adjustment_owed();
CREATE TRIGGER adjustment_owed_update AFTER UPDATE ON reporting_conversionadjustment
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION commissions_adjustment_owed();
CREATE TRIGGER adjustment_owed_delete AFTER DELETE ON reporting_conversionadjustment
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION commissions_adjustment_owed();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS conversion_owed_insert ON reporting_conversion;
DROP TRIGGER IF EXISTS conversion_owed_update ON reporting_conversion;
DROP TRIGGER IF EXISTS conversion_owed_delete ON reporting_conversion;
DROP TRIGGER IF EXISTS adjustment_owed_insert ON reporting_conversionadjustment;
DROP TRIGGER IF EXISTS adjustment_owed_update ON reporting_conversionadjustment;
DROP TRIGGER IF EXISTS adjustment_owed_delete ON reporting_conversionadjustment;
DROP FUNCTION IF EXISTS commissions_conversion_owed();
DROP FUNCTION IF EXISTS commissions_adjustment_owed();
DROP FUNCTION IF EXISTS commissions_owed_refresh(commissions_owed_key[]);
DROP TYPE IF EXISTS commissions_owed_key;
"""


def backfill(apps, schema_editor):
    """Roll up every organisation's conversions, with that organisation as the tenant
    (row-level security binds the migrating role too), then clear the tenant again."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id FROM tenancy_organization ORDER BY id")
        organizations = [row[0] for row in cursor.fetchall()]
        for organization_id in organizations:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(organization_id)])
            cursor.execute(f"SELECT commissions_owed_refresh({_keys('reporting_conversion')})")
        cursor.execute("SELECT set_config('app.tenant_id', '', true)")


class Migration(migrations.Migration):
    dependencies = [("commissions", "0008_owed_rollups")]

    operations = [
        EnableRowLevelSecurity("commissions_owedrollup"),
        EnableRowLevelSecurity("commissions_owedtotal"),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
