from django.db import migrations

from tenancy.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("creators", "0001_initial")]

    operations = [
        EnableRowLevelSecurity("creators_creator"),
        EnableRowLevelSecurity("creators_campaigncreator"),
    ]
