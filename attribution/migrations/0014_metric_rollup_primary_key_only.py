"""MetricRollup keeps one index, its primary key (key_id, date): the models say why."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("attribution", "0013_metric_rollup_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="metricrollup",
            name="key",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="attribution.metrictotal",
            ),
        ),
        migrations.AlterField(
            model_name="metricrollup",
            name="organization",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="tenancy.organization",
            ),
        ),
    ]
