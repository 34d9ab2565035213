"""The ledger (Conversion, ConversionAdjustment, PayoutBatch) now belongs to `commissions`
(commissions 0001): removed from reporting's state only. The tables, their rows and their
row-level security stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_payouts_exports_row_level_security"),
        ("commissions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ConversionAdjustment"),
                migrations.DeleteModel(name="Conversion"),
                migrations.DeleteModel(name="PayoutBatch"),
            ],
            database_operations=[],
        ),
    ]
