"""Make the rollup refresh fast on large tenants (issue 16): re-create
attribution_rollup_refresh as migration 0011 now defines it, on databases that ran 0011 before.

Two changes, measured on a brand with 2,000 creators x 3 links (6,001 keys, 150,000 fact rows
written in one statement; bench/dashboard seeds such a brand):

- The running totals each key continues from were looked up once per rollup row written (a
  LATERAL join evaluated after the join with the facts: 150,000 index probes, 2.6 of 8.2 s);
  they are now looked up once per key, in a materialised CTE.
- `SET plan_cache_mode = force_custom_plan`: PL/pgSQL caches a statement's plan and after five
  calls may switch to a generic one, planned without the value of the `touched` array, where
  `unnest(touched)` is estimated at 10 rows whatever its length; for a 6,000-key statement that
  picked nested loops over the facts. A custom plan sees the array and estimates its length.
"""

from importlib import import_module

from django.db import migrations

REFRESH = import_module("attribution.migrations.0011_metric_rollup_triggers").REFRESH


class Migration(migrations.Migration):
    dependencies = [("attribution", "0011_metric_rollup_triggers")]

    operations = [migrations.RunSQL(REFRESH, migrations.RunSQL.noop)]
