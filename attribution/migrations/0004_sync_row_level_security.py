from django.db import migrations

from tenancy.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("attribution", "0003_sync")]

    operations = [
        EnableRowLevelSecurity("attribution_dailymetric"),
        EnableRowLevelSecurity("attribution_syncrun"),
        EnableRowLevelSecurity("attribution_metricrevision"),
    ]
