from django.db import migrations

from tenancy.rls import EnableRowLevelSecurity

# API-key authentication (no tenant known yet) may read exactly one key: the one whose public
# prefix it was sent, named in the transaction-local `app.api_key_prefix` (api.services
# .api_key_find). Writes still need the tenant.
API_KEY_PREFIX_SETTING = "NULLIF(current_setting('app.api_key_prefix', true), '')"


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [
        EnableRowLevelSecurity("api_apikey", read_also=f"prefix = {API_KEY_PREFIX_SETTING}"),
    ]
