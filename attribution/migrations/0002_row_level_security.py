from django.db import migrations

from tenancy.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("attribution", "0001_initial")]

    operations = [
        EnableRowLevelSecurity("attribution_amazonconnection"),
        EnableRowLevelSecurity("attribution_store"),
    ]
