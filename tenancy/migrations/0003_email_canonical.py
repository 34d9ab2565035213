"""E-mail addresses in one canonical form (tenancy.emails): the columns, the users' look-alike
skeleton, and the stored rows rewritten."""

from django.db import migrations, models
from django.utils import timezone

import tenancy.emails
from tenancy.emails_migration import canonicalise_emails, fill_user_email_skeletons


def _revoke_duplicate_invitation(Model, pk, canonical) -> bool:
    """Two open invitations of one organisation to one address in canonical form: the older
    one is withdrawn (as sending a new invitation does)."""
    Model._base_manager.filter(pk=pk).update(revoked_at=timezone.now())
    Model._base_manager.filter(pk=pk).update(email=canonical)
    return True


def forwards(apps, schema_editor):
    canonicalise_emails(apps, schema_editor, model="tenancy.User")
    fill_user_email_skeletons(apps, schema_editor)
    canonicalise_emails(
        apps, schema_editor, model="tenancy.Invitation", on_clash=_revoke_duplicate_invitation
    )


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0002_row_level_security")]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="email",
            field=tenancy.emails.CanonicalEmailField(max_length=254, unique=True),
        ),
        migrations.AddField(
            model_name="user",
            name="email_skeleton",
            field=models.CharField(db_index=True, default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="invitation",
            name="email",
            field=tenancy.emails.CanonicalEmailField(max_length=254),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
