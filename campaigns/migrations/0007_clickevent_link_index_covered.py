"""The click events' index on link_id alone goes: clickevent_link_time (link_id, occurred_at)
serves every lookup by link, and each index costs the flush's inserts. Only the index is
dropped (Django's own AlterField would also drop and re-validate the foreign key)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0006_clickevent_partitioned_by_month")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "campaigns_clickevent_link_id_980637c8";',
                    'CREATE INDEX IF NOT EXISTS "campaigns_clickevent_link_id_980637c8" '
                    'ON "campaigns_clickevent" (link_id);',
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="clickevent",
                    name="link",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="clicks",
                        to="campaigns.affiliatelink",
                    ),
                )
            ],
        )
    ]
