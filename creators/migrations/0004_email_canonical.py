"""Creators' and portal invitations' e-mail addresses in the canonical form (tenancy.emails)."""

from django.db import migrations

import tenancy.emails
from tenancy.emails_migration import canonicalise_emails


def forwards(apps, schema_editor):
    canonicalise_emails(apps, schema_editor, model="creators.Creator")
    canonicalise_emails(apps, schema_editor, model="creators.PortalInvitation")


class Migration(migrations.Migration):
    dependencies = [
        ("creators", "0003_portal"),
        ("tenancy", "0003_email_canonical"),
    ]

    operations = [
        migrations.AlterField(
            model_name="creator",
            name="email",
            field=tenancy.emails.CanonicalEmailField(blank=True, max_length=254),
        ),
        migrations.AlterField(
            model_name="portalinvitation",
            name="email",
            field=tenancy.emails.CanonicalEmailField(max_length=254),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
