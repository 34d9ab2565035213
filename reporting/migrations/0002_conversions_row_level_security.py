from django.db import migrations

from tenancy.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_conversions")]

    operations = [
        EnableRowLevelSecurity("reporting_conversion"),
        EnableRowLevelSecurity("reporting_conversionadjustment"),
    ]
