"""Conversion.campaign_creator points at CampaignCreator in its new app. State only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0005_campaigncreator_moves_here"),
        ("commissions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="conversion",
                    name="campaign_creator",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="conversions",
                        to="campaigns.campaigncreator",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
