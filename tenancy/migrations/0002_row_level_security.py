from django.db import migrations

from tenancy.rls import USER_SETTING, EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0001_initial")]

    operations = [
        # A user may also read their own memberships in other organisations (the switcher),
        # inside tenancy.scoping.user_scope; writes still need the tenant.
        EnableRowLevelSecurity("tenancy_membership", read_also=f"user_id = {USER_SETTING}"),
        EnableRowLevelSecurity("tenancy_invitation"),
    ]
