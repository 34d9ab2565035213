"""Conversions say why a day earns no commission; adjustments can record terms applied."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("commissions", "0003_payout_runs"),
    ]

    operations = [
        migrations.AlterField(
            model_name="conversionadjustment",
            name="kind",
            field=models.CharField(
                choices=[
                    ("restatement", "Restated by Amazon (before approval)"),
                    ("clawback", "Clawback (after approval)"),
                    ("top_up", "Top-up (after approval)"),
                    ("terms", "Campaign terms applied"),
                ],
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="conversion",
            name="ineligible_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("draft", "The campaign was a draft on this day"),
                    ("paused", "The campaign was paused on this day"),
                    ("ended", "The campaign had ended more than 14 days before"),
                    ("before_start", "Before the campaign's start"),
                    (
                        "after_end",
                        "After the campaign's end and Amazon's 14-day attribution window",
                    ),
                    ("not_joined", "Before the creator joined the campaign"),
                    ("removed", "After the creator was removed from the campaign"),
                ],
                default="",
                max_length=16,
            ),
        ),
    ]
