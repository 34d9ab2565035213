"""The workflow dashboard's "awaiting approval" count and sum per currency from the index alone
(issue 16: a big brand's 120,000 awaiting conversions took 100 ms through the table)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("commissions", "0009_owed_rollup_triggers")]

    operations = [
        migrations.AddIndex(
            model_name="conversion",
            index=models.Index(
                condition=models.Q(("status", "awaiting")),
                fields=["organization", "currency"],
                include=("commission",),
                name="conversion_awaiting",
            ),
        ),
    ]
