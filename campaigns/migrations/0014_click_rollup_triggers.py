"""Keep the click rollups (ClickRollup, ClickTotal) equal to LinkClickDaily's all-sub-IDs rows,
in the writing statement's own transaction.

Statement-level triggers on campaigns_linkclickdaily (INSERT, UPDATE, DELETE, with transition
tables) collect the links a statement touched (sub_id '' rows) and the earliest day touched
for each; campaigns_click_rollup_refresh recomputes those links', their campaign creators' and
their campaigns' rollup rows from that day on out of LinkClickDaily itself (running totals
continue from each scope's last row before that day). A click flush touches today's rows, so it
recomputes one day. Row-level security binds the functions like any statement (they run as the
writing role). Then every organisation's existing rows are rolled up, one organisation at a
time with it as the tenant.
"""

from django.db import migrations

from tenancy.rls import EnableRowLevelSecurity

KEY_TYPE = """
CREATE TYPE campaigns_click_key AS (
    organization_id bigint, scope varchar(8), scope_id bigint, from_date date
);

"""

# Also run by migration 0015 (CREATE OR REPLACE) on databases that ran an earlier version.
REFRESH = """
CREATE OR REPLACE FUNCTION campaigns_click_rollup_refresh(link_days campaigns_click_key[])
RETURNS void LANGUAGE plpgsql
-- plans for the keys at hand (migration 0012 of attribution says why)
SET plan_cache_mode = force_custom_plan AS $fn$
DECLARE
    touched campaigns_click_key[];
    since date;
BEGIN
    IF coalesce(cardinality(link_days), 0) = 0 THEN
        RETURN;
    END IF;
    -- each touched link, its campaign creator and its campaign, from the earliest day touched
    touched := ARRAY(
        SELECT ROW(g.*)::campaigns_click_key FROM (
            SELECT u.organization_id, u.scope, u.scope_id, min(u.from_date)
            FROM (
                SELECT k.organization_id, 'link' AS scope, k.scope_id, k.from_date
                FROM unnest(link_days) k
                UNION ALL
                SELECT k.organization_id, 'creator', l.campaign_creator_id, k.from_date
                FROM unnest(link_days) k JOIN campaigns_affiliatelink l ON l.id = k.scope_id
                UNION ALL
                SELECT k.organization_id, 'campaign', l.campaign_id, k.from_date
                FROM unnest(link_days) k JOIN campaigns_affiliatelink l ON l.id = k.scope_id
            ) u
            GROUP BY 1, 2, 3
        ) g
    );
    SELECT min(t.from_date) INTO since FROM unnest(touched) t;

    DELETE FROM campaigns_clickrollup r USING unnest(touched) t
    WHERE r.scope = t.scope AND r.scope_id = t.scope_id AND r.date >= t.from_date;

    -- each key with its running totals before the first day recomputed: one index probe
    -- per key (joined after the facts, the probe ran once per row written)
    WITH t AS MATERIALIZED (
        SELECT t.*, b.clicks_to_date, b.link_days_to_date
        FROM unnest(touched) t
        LEFT JOIN LATERAL (
            SELECT r.clicks_to_date, r.link_days_to_date FROM campaigns_clickrollup r
            WHERE r.scope = t.scope AND r.scope_id = t.scope_id AND r.date < t.from_date
            ORDER BY r.date DESC LIMIT 1
        ) b ON true
    )
    INSERT INTO campaigns_clickrollup
        (organization_id, scope, scope_id, date, clicks, clicks_to_date, link_days, link_days_to_date)
    SELECT t.organization_id, t.scope, t.scope_id, f.date, f.clicks,
           coalesce(t.clicks_to_date, 0) + sum(f.clicks) OVER w, f.link_days,
           coalesce(t.link_days_to_date, 0) + sum(f.link_days) OVER w
    FROM t
    JOIN (
        SELECT 'link' AS scope, d.link_id AS scope_id, d.date, sum(d.clicks) AS clicks,
               count(*) AS link_days
        FROM campaigns_linkclickdaily d
        WHERE d.sub_id = '' AND d.date >= since AND d.link_id IN (
            SELECT k.scope_id FROM unnest(touched) k WHERE k.scope = 'link')
        GROUP BY 2, 3
        UNION ALL
        SELECT 'creator', l.campaign_creator_id, d.date, sum(d.clicks), count(*)
        FROM campaigns_linkclickdaily d JOIN campaigns_affiliatelink l ON l.id = d.link_id
        WHERE d.sub_id = '' AND d.date >= since AND l.campaign_creator_id IN (
            SELECT k.scope_id FROM unnest(touched) k WHERE k.scope = 'creator')
        GROUP BY 2, 3
        UNION ALL
        SELECT 'campaign', l.campaign_id, d.date, sum(d.clicks), count(*)
        FROM campaigns_linkclickdaily d JOIN campaigns_affiliatelink l ON l.id = d.link_id
        WHERE d.sub_id = '' AND d.date >= since AND l.campaign_id IN (
            SELECT k.scope_id FROM unnest(touched) k WHERE k.scope = 'campaign')
        GROUP BY 2, 3
    ) f ON f.scope = t.scope AND f.scope_id = t.scope_id AND f.date >= t.from_date
    WINDOW w AS (PARTITION BY t.scope, t.scope_id ORDER BY f.date);

    DELETE FROM campaigns_clicktotal m USING unnest(touched) t
    WHERE m.scope = t.scope AND m.scope_id = t.scope_id;

    INSERT INTO campaigns_clicktotal (organization_id, scope, scope_id, last_date, clicks, link_days)
    SELECT t.organization_id, t.scope, t.scope_id, r.date, r.clicks_to_date, r.link_days_to_date
    FROM unnest(touched) t
    JOIN LATERAL (
        SELECT r.date, r.clicks_to_date, r.link_days_to_date FROM campaigns_clickrollup r
        WHERE r.scope = t.scope AND r.scope_id = t.scope_id
        ORDER BY r.date DESC LIMIT 1
    ) r ON true;
END
$fn$;

"""

TRIGGERS = """
CREATE OR REPLACE FUNCTION campaigns_linkclickdaily_rolled_up() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM campaigns_click_rollup_refresh(ARRAY(
            SELECT ROW(g.*)::campaigns_click_key FROM (
                SELECT organization_id, 'link', link_id, min(date) FROM new_rows
                WHERE sub_id = '' GROUP BY 1, 3) g));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM campaigns_click_rollup_refresh(ARRAY(
            SELECT ROW(g.*)::campaigns_click_key FROM (
                SELECT organization_id, 'link', link_id, min(date) FROM old_rows
                WHERE sub_id = '' GROUP BY 1, 3) g));
    ELSE
        PERFORM campaigns_click_rollup_refresh(ARRAY(
            SELECT ROW(g.*)::campaigns_click_key FROM (
                SELECT organization_id, 'link', link_id, min(date)
                FROM (SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows) AS changed
                WHERE sub_id = '' GROUP BY 1, 3) g));
    END IF;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER linkclickdaily_rollup_insert AFTER INSERT ON campaigns_linkclickdaily
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION campaigns_linkclickdaily_rolled_up();
CREATE TRIGGER linkclickdaily_rollup_update AFTER UPDATE ON campaigns_linkclickdaily
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION campaigns_linkclickdaily_rolled_up();
CREATE TRIGGER linkclickdaily_rollup_delete AFTER DELETE ON campaigns_linkclickdaily
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION campaigns_linkclickdaily_rolled_up();
"""

FORWARD = KEY_TYPE + REFRESH + TRIGGERS

BACKWARD = """
DROP TRIGGER IF EXISTS linkclickdaily_rollup_insert ON campaigns_linkclickdaily;
DROP TRIGGER IF EXISTS linkclickdaily_rollup_update ON campaigns_linkclickdaily;
DROP TRIGGER IF EXISTS linkclickdaily_rollup_delete ON campaigns_linkclickdaily;
DROP FUNCTION IF EXISTS campaigns_linkclickdaily_rolled_up();
DROP FUNCTION IF EXISTS campaigns_click_rollup_refresh(campaigns_click_key[]);
DROP TYPE IF EXISTS campaigns_click_key;
"""


def backfill(apps, schema_editor):
    """Roll up every organisation's clicks, with that organisation as the tenant (row-level
    security binds the migrating role too), then clear the tenant again."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id FROM tenancy_organization ORDER BY id")
        organizations = [row[0] for row in cursor.fetchall()]
        for organization_id in organizations:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(organization_id)])
            cursor.execute(
                "SELECT campaigns_click_rollup_refresh(ARRAY("
                "SELECT ROW(g.*)::campaigns_click_key FROM ("
                "SELECT organization_id, 'link', link_id, min(date) "
                "FROM campaigns_linkclickdaily WHERE sub_id = '' GROUP BY 1, 3) g))"
            )
        cursor.execute("SELECT set_config('app.tenant_id', '', true)")


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0013_click_rollups")]

    operations = [
        EnableRowLevelSecurity("campaigns_clickrollup"),
        EnableRowLevelSecurity("campaigns_clicktotal"),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
