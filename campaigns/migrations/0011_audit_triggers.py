# The audit trail's triggers (audit.tracking): each change writes its event row.

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("campaigns", "0010_campaign_terms_and_status_history"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="campaign",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_created",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_campaignevent" ("commission_basis", "default_commission_rate", "ends_on", "name", "organization_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "settlement_days", "starts_on", "status", "store_id") SELECT new_values."commission_basis", new_values."default_commission_rate", new_values."ends_on", new_values."name", new_values."organization_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_build_object(\'status\', jsonb_build_array(NULL, new_values."status"::text), \'starts_on\', jsonb_build_array(NULL, new_values."starts_on"::text), \'ends_on\', jsonb_build_array(NULL, new_values."ends_on"::text), \'default_commission_rate\', jsonb_build_array(NULL, new_values."default_commission_rate"::text), \'commission_basis\', jsonb_build_array(NULL, new_values."commission_basis"::text), \'settlement_days\', jsonb_build_array(NULL, new_values."settlement_days"::text)), \'created\', new_values."id", new_values."settlement_days", new_values."starts_on", new_values."status", new_values."store_id" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, new_values ; RETURN NULL;',
                    hash="8f5999b9e9c4a4eb9eca3535d331d2ead228f67d",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_audit_created_619b0",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="campaigns_campaign",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="campaign",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_changed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_campaignevent" ("commission_basis", "default_commission_rate", "ends_on", "name", "organization_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "settlement_days", "starts_on", "status", "store_id") SELECT new_values."commission_basis", new_values."default_commission_rate", new_values."ends_on", new_values."name", new_values."organization_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_strip_nulls(jsonb_build_object(\'status\', CASE WHEN old_values."status" IS DISTINCT FROM new_values."status" THEN jsonb_build_array(old_values."status"::text, new_values."status"::text) END, \'starts_on\', CASE WHEN old_values."starts_on" IS DISTINCT FROM new_values."starts_on" THEN jsonb_build_array(old_values."starts_on"::text, new_values."starts_on"::text) END, \'ends_on\', CASE WHEN old_values."ends_on" IS DISTINCT FROM new_values."ends_on" THEN jsonb_build_array(old_values."ends_on"::text, new_values."ends_on"::text) END, \'default_commission_rate\', CASE WHEN old_values."default_commission_rate" IS DISTINCT FROM new_values."default_commission_rate" THEN jsonb_build_array(old_values."default_commission_rate"::text, new_values."default_commission_rate"::text) END, \'commission_basis\', CASE WHEN old_values."commission_basis" IS DISTINCT FROM new_values."commission_basis" THEN jsonb_build_array(old_values."commission_basis"::text, new_values."commission_basis"::text) END, \'settlement_days\', CASE WHEN old_values."settlement_days" IS DISTINCT FROM new_values."settlement_days" THEN jsonb_build_array(old_values."settlement_days"::text, new_values."settlement_days"::text) END, \'name\', CASE WHEN old_values."name" IS DISTINCT FROM new_values."name" THEN jsonb_build_array(old_values."name"::text, new_values."name"::text) END, \'store_id\', CASE WHEN old_values."store_id" IS DISTINCT FROM new_values."store_id" THEN jsonb_build_array(old_values."store_id"::text, new_values."store_id"::text) END)), \'changed\', new_values."id", new_values."settlement_days", new_values."starts_on", new_values."status", new_values."store_id" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values."commission_basis" IS DISTINCT FROM (new_values."commission_basis") OR old_values."default_commission_rate" IS DISTINCT FROM (new_values."default_commission_rate") OR old_values."ends_on" IS DISTINCT FROM (new_values."ends_on") OR old_values."settlement_days" IS DISTINCT FROM (new_values."settlement_days") OR old_values."starts_on" IS DISTINCT FROM (new_values."starts_on") OR old_values."status" IS DISTINCT FROM (new_values."status")); RETURN NULL;',
                    hash="be674e09ebcae0874d3804c369018344a741d64e",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_audit_changed_82a11",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="campaigns_campaign",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="campaign",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_removed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_campaignevent" ("commission_basis", "default_commission_rate", "ends_on", "name", "organization_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "settlement_days", "starts_on", "status", "store_id") SELECT old_values."commission_basis", old_values."default_commission_rate", old_values."ends_on", old_values."name", old_values."organization_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_build_object(\'status\', jsonb_build_array(old_values."status"::text, NULL), \'starts_on\', jsonb_build_array(old_values."starts_on"::text, NULL), \'ends_on\', jsonb_build_array(old_values."ends_on"::text, NULL), \'default_commission_rate\', jsonb_build_array(old_values."default_commission_rate"::text, NULL), \'commission_basis\', jsonb_build_array(old_values."commission_basis"::text, NULL), \'settlement_days\', jsonb_build_array(old_values."settlement_days"::text, NULL)), \'removed\', old_values."id", old_values."settlement_days", old_values."starts_on", old_values."status", old_values."store_id" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, old_values ; RETURN NULL;',
                    hash="94b85691697e51c9ee556a50326193471ff01df2",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_audit_removed_e85ad",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="campaigns_campaign",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="campaigncreator",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_created",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_campaigncreatorevent" ("campaign_id", "commission_rate_override", "creator_id", "organization_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "status") SELECT new_values."campaign_id", new_values."commission_rate_override", new_values."creator_id", new_values."organization_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_build_object(\'commission_rate_override\', jsonb_build_array(NULL, new_values."commission_rate_override"::text), \'status\', jsonb_build_array(NULL, new_values."status"::text)), \'created\', new_values."id", new_values."status" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, new_values ; RETURN NULL;',
                    hash="c96e12ff05b095fea11086ea96ad39e4e28f62ac",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_audit_created_26e43",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="creators_campaigncreator",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="campaigncreator",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_changed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_campaigncreatorevent" ("campaign_id", "commission_rate_override", "creator_id", "organization_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "status") SELECT new_values."campaign_id", new_values."commission_rate_override", new_values."creator_id", new_values."organization_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_strip_nulls(jsonb_build_object(\'commission_rate_override\', CASE WHEN old_values."commission_rate_override" IS DISTINCT FROM new_values."commission_rate_override" THEN jsonb_build_array(old_values."commission_rate_override"::text, new_values."commission_rate_override"::text) END, \'status\', CASE WHEN old_values."status" IS DISTINCT FROM new_values."status" THEN jsonb_build_array(old_values."status"::text, new_values."status"::text) END, \'campaign_id\', CASE WHEN old_values."campaign_id" IS DISTINCT FROM new_values."campaign_id" THEN jsonb_build_array(old_values."campaign_id"::text, new_values."campaign_id"::text) END, \'creator_id\', CASE WHEN old_values."creator_id" IS DISTINCT FROM new_values."creator_id" THEN jsonb_build_array(old_values."creator_id"::text, new_values."creator_id"::text) END)), \'changed\', new_values."id", new_values."status" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values."commission_rate_override" IS DISTINCT FROM (new_values."commission_rate_override") OR old_values."status" IS DISTINCT FROM (new_values."status")); RETURN NULL;',
                    hash="c6203b4900331dc0c741c065d5ef027cad521a92",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_audit_changed_1a177",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="creators_campaigncreator",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="campaigncreator",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_removed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_campaigncreatorevent" ("campaign_id", "commission_rate_override", "creator_id", "organization_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "status") SELECT old_values."campaign_id", old_values."commission_rate_override", old_values."creator_id", old_values."organization_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_build_object(\'commission_rate_override\', jsonb_build_array(old_values."commission_rate_override"::text, NULL), \'status\', jsonb_build_array(old_values."status"::text, NULL)), \'removed\', old_values."id", old_values."status" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, old_values ; RETURN NULL;',
                    hash="b5499ef102dbcd578f640693c5a1702042fcdf37",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_audit_removed_88bb7",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="creators_campaigncreator",
                    when="AFTER",
                ),
            ),
        ),
    ]
