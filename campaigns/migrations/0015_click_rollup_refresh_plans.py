"""Re-create campaigns_click_rollup_refresh as migration 0014 now defines it, on databases
that ran 0014 before: running totals looked up once per key rather than once per rollup row
written, and custom plans for the keys at hand (attribution's migration 0012 says why, with
figures)."""

from importlib import import_module

from django.db import migrations

REFRESH = import_module("campaigns.migrations.0014_click_rollup_triggers").REFRESH


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0014_click_rollup_triggers")]

    operations = [migrations.RunSQL(REFRESH, migrations.RunSQL.noop)]
