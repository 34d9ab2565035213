"""CampaignCreator leaves the creators app (campaigns/0005 holds it now). State only: the table
stays."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0005_campaigncreator_moves_here"),
        ("commissions", "0002_conversion_campaign_creator_in_campaigns"),
        ("creators", "0004_email_canonical"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="portalinvitation",
                    name="campaign_creator",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="campaigns.campaigncreator",
                    ),
                ),
                migrations.DeleteModel(
                    name="CampaignCreator",
                ),
            ],
            database_operations=[],
        ),
    ]
