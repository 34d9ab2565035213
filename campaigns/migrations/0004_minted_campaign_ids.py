import hashlib
from collections import defaultdict

from django.db import migrations, models


def campaign_id_digest(value: str) -> str:
    """As campaigns.amazon_ids.campaign_id_digest (copied: a migration keeps its own code)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def register_existing_ids(apps, schema_editor):
    """Fill the registry with every campaign id already handed out, counting the stores that
    use each. Campaigns sit behind row-level security (FORCE: the migrating role is bound too),
    so they are read one organisation at a time, with that organisation as the transaction's
    tenant (`app.tenant_id`, as tenancy.scoping.tenant_scope sets it), then the tenant is
    cleared again. The registry itself is not tenant-owned."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id FROM tenancy_organization ORDER BY id")
        organizations = [row[0] for row in cursor.fetchall()]
        stores_by_id: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for organization_id in organizations:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(organization_id)])
            cursor.execute("SELECT DISTINCT amazon_campaign_id, store_id FROM campaigns_campaign")
            for value, store_id in cursor.fetchall():
                stores_by_id[value].add((organization_id, store_id))
        cursor.execute("SELECT set_config('app.tenant_id', '', true)")
        for value, stores in stores_by_id.items():
            cursor.execute(
                "INSERT INTO campaigns_mintedcampaignid (digest, stores, created_at) "
                "VALUES (%s, %s, now()) ON CONFLICT (digest) DO NOTHING",
                [campaign_id_digest(value), len(stores)],
            )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0003_row_level_security")]

    operations = [
        migrations.CreateModel(
            name="MintedCampaignId",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("digest", models.CharField(max_length=64, unique=True)),
                ("stores", models.PositiveIntegerField(default=1)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.RunPython(register_existing_ids, migrations.RunPython.noop),
    ]
