# The audit trail's triggers (audit.tracking): each change writes its event row.

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("attribution", "0008_store_history_due"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="amazonconnection",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_created",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_amazonconnectionevent" ("connected_by_id", "organization_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "region", "status") SELECT new_values."connected_by_id", new_values."organization_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_build_object(\'status\', jsonb_build_array(NULL, new_values."status"::text), \'region\', jsonb_build_array(NULL, new_values."region"::text), \'connected_by_id\', jsonb_build_array(NULL, new_values."connected_by_id"::text), \'refresh_token_encrypted\', jsonb_build_array(NULL, \'(hidden)\')), \'created\', new_values."id", new_values."region", new_values."status" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, new_values ; RETURN NULL;',
                    hash="81fc2576b7fbc26a7293afaa824eecf8ad5a6438",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_audit_created_08558",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="attribution_amazonconnection",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="amazonconnection",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_changed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_amazonconnectionevent" ("connected_by_id", "organization_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "region", "status") SELECT new_values."connected_by_id", new_values."organization_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_strip_nulls(jsonb_build_object(\'status\', CASE WHEN old_values."status" IS DISTINCT FROM new_values."status" THEN jsonb_build_array(old_values."status"::text, new_values."status"::text) END, \'region\', CASE WHEN old_values."region" IS DISTINCT FROM new_values."region" THEN jsonb_build_array(old_values."region"::text, new_values."region"::text) END, \'connected_by_id\', CASE WHEN old_values."connected_by_id" IS DISTINCT FROM new_values."connected_by_id" THEN jsonb_build_array(old_values."connected_by_id"::text, new_values."connected_by_id"::text) END, \'refresh_token_encrypted\', CASE WHEN old_values."refresh_token_encrypted" IS DISTINCT FROM new_values."refresh_token_encrypted" THEN jsonb_build_array(\'(hidden)\', \'(hidden)\') END)), \'changed\', new_values."id", new_values."region", new_values."status" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values."connected_by_id" IS DISTINCT FROM (new_values."connected_by_id") OR old_values."refresh_token_encrypted" IS DISTINCT FROM (new_values."refresh_token_encrypted") OR old_values."region" IS DISTINCT FROM (new_values."region") OR old_values."status" IS DISTINCT FROM (new_values."status")); RETURN NULL;',
                    hash="2be58491e9622acbb1a46b7ac98cc05216d12c58",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_audit_changed_7d8ad",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="attribution_amazonconnection",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="amazonconnection",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_removed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_amazonconnectionevent" ("connected_by_id", "organization_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "region", "status") SELECT old_values."connected_by_id", old_values."organization_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_build_object(\'status\', jsonb_build_array(old_values."status"::text, NULL), \'region\', jsonb_build_array(old_values."region"::text, NULL), \'connected_by_id\', jsonb_build_array(old_values."connected_by_id"::text, NULL), \'refresh_token_encrypted\', jsonb_build_array(\'(hidden)\', NULL)), \'removed\', old_values."id", old_values."region", old_values."status" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, old_values ; RETURN NULL;',
                    hash="beae5201b9172400e8f094c562f8aa0b86cfae48",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_audit_removed_f5c45",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="attribution_amazonconnection",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="store",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_created",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_storeevent" ("account_name", "advertiser_name", "connection_id", "country_code", "currency_code", "organization_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "profile_id", "status") SELECT new_values."account_name", new_values."advertiser_name", new_values."connection_id", new_values."country_code", new_values."currency_code", new_values."organization_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_build_object(\'status\', jsonb_build_array(NULL, new_values."status"::text), \'connection_id\', jsonb_build_array(NULL, new_values."connection_id"::text)), \'created\', new_values."id", new_values."profile_id", new_values."status" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, new_values ; RETURN NULL;',
                    hash="942964f7bfd3d6e314c5265ba2ccfdf3f25e75ca",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_audit_created_1343f",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="attribution_store",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="store",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_changed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_storeevent" ("account_name", "advertiser_name", "connection_id", "country_code", "currency_code", "organization_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "profile_id", "status") SELECT new_values."account_name", new_values."advertiser_name", new_values."connection_id", new_values."country_code", new_values."currency_code", new_values."organization_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_strip_nulls(jsonb_build_object(\'status\', CASE WHEN old_values."status" IS DISTINCT FROM new_values."status" THEN jsonb_build_array(old_values."status"::text, new_values."status"::text) END, \'connection_id\', CASE WHEN old_values."connection_id" IS DISTINCT FROM new_values."connection_id" THEN jsonb_build_array(old_values."connection_id"::text, new_values."connection_id"::text) END, \'profile_id\', CASE WHEN old_values."profile_id" IS DISTINCT FROM new_values."profile_id" THEN jsonb_build_array(old_values."profile_id"::text, new_values."profile_id"::text) END, \'country_code\', CASE WHEN old_values."country_code" IS DISTINCT FROM new_values."country_code" THEN jsonb_build_array(old_values."country_code"::text, new_values."country_code"::text) END, \'currency_code\', CASE WHEN old_values."currency_code" IS DISTINCT FROM new_values."currency_code" THEN jsonb_build_array(old_values."currency_code"::text, new_values."currency_code"::text) END, \'account_name\', CASE WHEN old_values."account_name" IS DISTINCT FROM new_values."account_name" THEN jsonb_build_array(old_values."account_name"::text, new_values."account_name"::text) END, \'advertiser_name\', CASE WHEN old_values."advertiser_name" IS DISTINCT FROM new_values."advertiser_name" THEN jsonb_build_array(old_values."advertiser_name"::text, new_values."advertiser_name"::text) END)), \'changed\', new_values."id", new_values."profile_id", new_values."status" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values."connection_id" IS DISTINCT FROM (new_values."connection_id") OR old_values."status" IS DISTINCT FROM (new_values."status")); RETURN NULL;',
                    hash="9ea6df82e1acfa59e7306a2bcb5e4646b21d9b42",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_audit_changed_41c11",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="attribution_store",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="store",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_removed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_storeevent" ("account_name", "advertiser_name", "connection_id", "country_code", "currency_code", "organization_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "profile_id", "status") SELECT old_values."account_name", old_values."advertiser_name", old_values."connection_id", old_values."country_code", old_values."currency_code", old_values."organization_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_build_object(\'status\', jsonb_build_array(old_values."status"::text, NULL), \'connection_id\', jsonb_build_array(old_values."connection_id"::text, NULL)), \'removed\', old_values."id", old_values."profile_id", old_values."status" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, old_values ; RETURN NULL;',
                    hash="826da07c8d7acc1373a9eb3e772a12d6ad882d04",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_audit_removed_2a2a9",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="attribution_store",
                    when="AFTER",
                ),
            ),
        ),
    ]
