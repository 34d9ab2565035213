"""The ledger moves here from `reporting`, tables and rows untouched: this migration only
tells Django's state that the models now belong to `commissions` (their tables keep their
names, row-level security and data); reporting 0005 removes them from reporting's state.
The content types follow the models, so permissions stay attached."""

import django.db.models.deletion
import django.db.models.manager
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


MODELS = ("conversion", "conversionadjustment", "payoutbatch")


def _move(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(
        ContentType.objects.filter(app_label=target, model__in=MODELS).values_list(
            "model", flat=True
        )
    )
    ContentType.objects.filter(app_label=source, model__in=set(MODELS) - taken).update(
        app_label=target
    )


def content_types_follow(apps, schema_editor):
    _move(apps, schema_editor, "reporting", "commissions")


def content_types_return(apps, schema_editor):
    _move(apps, schema_editor, "commissions", "reporting")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("reporting", "0004_payouts_exports_row_level_security"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("attribution", "0004_sync_row_level_security"),
        ("campaigns", "0003_row_level_security"),
        ("creators", "0003_portal"),
        ("tenancy", "0002_row_level_security"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Conversion",
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
                        ("date", models.DateField()),
                        ("source", models.CharField(default="amazon", max_length=16)),
                        ("currency", models.CharField(max_length=3)),
                        ("purchases", models.IntegerField(default=0)),
                        ("units_sold", models.IntegerField(default=0)),
                        (
                            "sales",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0"), max_digits=14
                            ),
                        ),
                        ("commission_rate", models.DecimalField(decimal_places=2, max_digits=5)),
                        (
                            "commission",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0"), max_digits=14
                            ),
                        ),
                        (
                            "brand_referral_bonus",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0"), max_digits=14
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("awaiting", "Awaiting approval"),
                                    ("approved", "Approved"),
                                    ("denied", "Denied"),
                                    ("payable", "Payable"),
                                    ("paid", "Paid"),
                                ],
                                default="pending",
                                max_length=8,
                            ),
                        ),
                        ("settles_on", models.DateField()),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("decision_reason", models.TextField(blank=True)),
                        ("paid_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "campaign",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="campaigns.campaign",
                            ),
                        ),
                        (
                            "campaign_creator",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="conversions",
                                to="creators.campaigncreator",
                            ),
                        ),
                        (
                            "creator",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="creators.creator",
                            ),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
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
                        (
                            "store",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="attribution.store",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reporting_conversion",
                        "ordering": ["-date", "pk"],
                    },
                    managers=[
                        ("objects", django.db.models.manager.Manager()),
                        ("unscoped", django.db.models.manager.Manager()),
                    ],
                ),
                migrations.CreateModel(
                    name="PayoutBatch",
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
                        ("paid_at", models.DateTimeField()),
                        ("reference", models.CharField(blank=True, max_length=200)),
                        ("conversions_count", models.PositiveIntegerField(default=0)),
                        ("adjustments_count", models.PositiveIntegerField(default=0)),
                        ("totals", models.JSONField(default=dict)),
                        (
                            "organization",
                            models.ForeignKey(
                                editable=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="tenancy.organization",
                            ),
                        ),
                        (
                            "paid_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reporting_payoutbatch",
                        "ordering": ["-paid_at", "-pk"],
                    },
                    managers=[
                        ("objects", django.db.models.manager.Manager()),
                        ("unscoped", django.db.models.manager.Manager()),
                    ],
                ),
                migrations.CreateModel(
                    name="ConversionAdjustment",
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
                            "kind",
                            models.CharField(
                                choices=[
                                    ("restatement", "Restated by Amazon (before approval)"),
                                    ("clawback", "Clawback (after approval)"),
                                    ("top_up", "Top-up (after approval)"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("included", models.BooleanField()),
                        ("purchases", models.IntegerField(default=0)),
                        ("units_sold", models.IntegerField(default=0)),
                        (
                            "sales",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0"), max_digits=14
                            ),
                        ),
                        (
                            "commission",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0"), max_digits=14
                            ),
                        ),
                        (
                            "brand_referral_bonus",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0"), max_digits=14
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "conversion",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="adjustments",
                                to="commissions.conversion",
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
                        (
                            "sync_run",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="attribution.syncrun",
                            ),
                        ),
                        (
                            "payout_batch",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="adjustments",
                                to="commissions.payoutbatch",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reporting_conversionadjustment",
                        "ordering": ["created_at", "pk"],
                    },
                    managers=[
                        ("objects", django.db.models.manager.Manager()),
                        ("unscoped", django.db.models.manager.Manager()),
                    ],
                ),
                migrations.AddField(
                    model_name="conversion",
                    name="payout_batch",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="conversions",
                        to="commissions.payoutbatch",
                    ),
                ),
                migrations.AddIndex(
                    model_name="conversion",
                    index=models.Index(
                        fields=["organization", "status", "date"], name="conversion_status"
                    ),
                ),
                migrations.AddIndex(
                    model_name="conversion",
                    index=models.Index(fields=["creator", "date"], name="conversion_creator_date"),
                ),
                migrations.AddConstraint(
                    model_name="conversion",
                    constraint=models.UniqueConstraint(
                        fields=("store", "campaign_creator", "date", "source"),
                        name="conversion_unique_day",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
