from django.db import migrations

from tenancy.rls import EnableRowLevelSecurity

# The redirect (/l/<code>, no tenant in the URL) may read exactly one link: the one whose code
# it was asked for, named in the transaction-local `app.link_code` (campaigns.routing). Writes
# still need the tenant.
LINK_CODE_SETTING = "NULLIF(current_setting('app.link_code', true), '')"


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0002_initial")]

    operations = [
        EnableRowLevelSecurity("campaigns_trackingplan"),
        EnableRowLevelSecurity("campaigns_campaign"),
        EnableRowLevelSecurity("campaigns_product"),
        EnableRowLevelSecurity("campaigns_affiliatelink", read_also=f"code = {LINK_CODE_SETTING}"),
        EnableRowLevelSecurity("campaigns_linkjob"),
        EnableRowLevelSecurity("campaigns_clickevent"),
        EnableRowLevelSecurity("campaigns_linkclickdaily"),
    ]
