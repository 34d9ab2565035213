"""A version per store that changes with its facts (issue 16): memoized figures key on it.

Ranking a big brand's 6,000 links reads 6,000 keys' figures (one index probe each, about 80 ms
of a page). Those figures change only when the store's facts do, a few syncs a day, so pages
memoize them (attribution.rollups.memoized_ranges_sql) under the store's version, which the
rollup refresh bumps in the same transaction as the facts it rolls up: a memo is never older
than the facts a page reads beside it.
"""

from importlib import import_module

import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models

from tenancy.rls import CascadeWithOrganization, EnableRowLevelSecurity

_0013 = import_module("attribution.migrations.0013_metric_rollup_keys")

END = "\nEND\n$fn$;"
BUMP = """
    -- the touched stores' facts changed: so does their version (memos key on it)
    INSERT INTO attribution_metricversion (store_id, organization_id, version, changed_at)
    SELECT t.store_id, t.organization_id, 1, clock_timestamp()
    FROM (SELECT DISTINCT store_id, organization_id FROM unnest(touched)) t
    ON CONFLICT (store_id) DO UPDATE
    SET version = attribution_metricversion.version + 1, changed_at = excluded.changed_at;"""
assert _0013.REFRESH.count(END) == 1
REFRESH = _0013.REFRESH.replace(END, BUMP + END)


class Migration(migrations.Migration):
    dependencies = [
        ("attribution", "0014_metric_rollup_primary_key_only"),
        ("tenancy", "0004_audit_triggers"),
    ]

    operations = [
        migrations.CreateModel(
            name="MetricVersion",
            fields=[
                ("store_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
                ("changed_at", models.DateTimeField()),
                (
                    "organization",
                    models.ForeignKey(
                        db_constraint=False,
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
        CascadeWithOrganization("attribution_metricversion", "metricversion_organization"),
        EnableRowLevelSecurity("attribution_metricversion"),
        migrations.RunSQL(REFRESH, _0013.REFRESH),
    ]
