from django.db import migrations

from tenancy.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_payouts_exports")]

    operations = [
        EnableRowLevelSecurity("reporting_payoutbatch"),
        EnableRowLevelSecurity("reporting_export"),
    ]
