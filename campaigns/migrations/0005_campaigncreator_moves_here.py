"""CampaignCreator moves from the creators app to campaigns (a creator's place in a campaign is
the campaign's). State only: the table keeps its name, rows, constraints and row-level
security. Its content type is relabelled so its id stays."""

import campaigns.amazon_ids
import django.core.validators
import django.db.models.deletion
import django.db.models.manager
from decimal import Decimal
from django.db import migrations, models


def relabel(apps, schema_editor, *, source: str, target: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label=source, model="campaigncreator").update(app_label=target)


def forwards(apps, schema_editor):
    relabel(apps, schema_editor, source="creators", target="campaigns")


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, source="campaigns", target="creators")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("campaigns", "0004_minted_campaign_ids"),
        ("creators", "0004_email_canonical"),
        ("tenancy", "0003_email_canonical"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CampaignCreator",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "commission_rate_override",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                max_digits=5,
                                null=True,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("0")),
                                    django.core.validators.MaxValueValidator(Decimal("100")),
                                ],
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("invited", "Invited"),
                                    ("active", "Active"),
                                    ("removed", "Removed"),
                                ],
                                default="invited",
                                max_length=8,
                            ),
                        ),
                        (
                            "amazon_adgroup_id",
                            models.CharField(
                                editable=False,
                                max_length=255,
                                validators=[campaigns.amazon_ids.validate_amazon_id],
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "campaign",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="campaign_creators",
                                to="campaigns.campaign",
                            ),
                        ),
                        (
                            "creator",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="campaigns",
                                to="creators.creator",
                            ),
                        ),
                        (
                            "organization",
                            models.ForeignKey(
                                editable=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="tenancy.organization",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "creators_campaigncreator",
                        "ordering": ["pk"],
                    },
                    managers=[
                        ("objects", django.db.models.manager.Manager()),
                        ("unscoped", django.db.models.manager.Manager()),
                    ],
                ),
                migrations.AlterField(
                    model_name="affiliatelink",
                    name="campaign_creator",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="links",
                        to="campaigns.campaigncreator",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="campaigncreator",
                    constraint=models.UniqueConstraint(
                        fields=("campaign", "creator"), name="campaigncreator_unique_creator"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="campaigncreator",
                    constraint=models.UniqueConstraint(
                        fields=("campaign", "amazon_adgroup_id"),
                        name="campaigncreator_unique_adgroup",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
