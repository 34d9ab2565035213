# The audit trail's triggers (audit.tracking): each change writes its event row.

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("tenancy", "0003_email_canonical"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="membership",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_created",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_membershipevent" ("organization_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "role", "user_id") SELECT new_values."organization_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_build_object(\'role\', jsonb_build_array(NULL, new_values."role"::text)), \'created\', new_values."id", new_values."role", new_values."user_id" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, new_values ; RETURN NULL;',
                    hash="dd4e0d2134fcd335f78b94e2c2df739b81e4e352",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_audit_created_1b128",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="tenancy_membership",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="membership",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_changed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_membershipevent" ("organization_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "role", "user_id") SELECT new_values."organization_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_strip_nulls(jsonb_build_object(\'role\', CASE WHEN old_values."role" IS DISTINCT FROM new_values."role" THEN jsonb_build_array(old_values."role"::text, new_values."role"::text) END, \'user_id\', CASE WHEN old_values."user_id" IS DISTINCT FROM new_values."user_id" THEN jsonb_build_array(old_values."user_id"::text, new_values."user_id"::text) END)), \'changed\', new_values."id", new_values."role", new_values."user_id" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values."role" IS DISTINCT FROM (new_values."role")); RETURN NULL;',
                    hash="f44cc501beb66a678f5e5eed486c2cc3da7104a8",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_audit_changed_d2d40",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="tenancy_membership",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="membership",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_removed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_membershipevent" ("organization_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "role", "user_id") SELECT old_values."organization_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_build_object(\'role\', jsonb_build_array(old_values."role"::text, NULL)), \'removed\', old_values."id", old_values."role", old_values."user_id" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, old_values ; RETURN NULL;',
                    hash="e725056a819da26fa138e87c4ce904522c6636a4",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_audit_removed_0ff2b",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="tenancy_membership",
                    when="AFTER",
                ),
            ),
        ),
    ]
