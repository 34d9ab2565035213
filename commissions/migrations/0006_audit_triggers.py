# The audit trail's triggers (audit.tracking): each change writes its event row.

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("commissions", "0005_conversions_follow_campaign_terms"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="conversion",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_changed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_conversionevent" ("campaign_id", "commission", "commission_rate", "creator_id", "currency", "date", "decided_by_id", "decision_reason", "organization_id", "paid_at", "payout_batch_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "status", "store_id") SELECT new_values."campaign_id", new_values."commission", new_values."commission_rate", new_values."creator_id", new_values."currency", new_values."date", new_values."decided_by_id", new_values."decision_reason", new_values."organization_id", new_values."paid_at", new_values."payout_batch_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_strip_nulls(jsonb_build_object(\'status\', CASE WHEN old_values."status" IS DISTINCT FROM new_values."status" THEN jsonb_build_array(old_values."status"::text, new_values."status"::text) END, \'decided_by_id\', CASE WHEN old_values."decided_by_id" IS DISTINCT FROM new_values."decided_by_id" THEN jsonb_build_array(old_values."decided_by_id"::text, new_values."decided_by_id"::text) END, \'decision_reason\', CASE WHEN old_values."decision_reason" IS DISTINCT FROM new_values."decision_reason" THEN jsonb_build_array(old_values."decision_reason"::text, new_values."decision_reason"::text) END, \'commission_rate\', CASE WHEN old_values."commission_rate" IS DISTINCT FROM new_values."commission_rate" THEN jsonb_build_array(old_values."commission_rate"::text, new_values."commission_rate"::text) END, \'payout_batch_id\', CASE WHEN old_values."payout_batch_id" IS DISTINCT FROM new_values."payout_batch_id" THEN jsonb_build_array(old_values."payout_batch_id"::text, new_values."payout_batch_id"::text) END, \'paid_at\', CASE WHEN old_values."paid_at" IS DISTINCT FROM new_values."paid_at" THEN jsonb_build_array(old_values."paid_at"::text, new_values."paid_at"::text) END, \'store_id\', CASE WHEN old_values."store_id" IS DISTINCT FROM new_values."store_id" THEN jsonb_build_array(old_values."store_id"::text, new_values."store_id"::text) END, \'campaign_id\', CASE WHEN old_values."campaign_id" IS DISTINCT FROM new_values."campaign_id" THEN jsonb_build_array(old_values."campaign_id"::text, new_values."campaign_id"::text) END, \'creator_id\', CASE WHEN old_values."creator_id" IS DISTINCT FROM new_values."creator_id" THEN jsonb_build_array(old_values."creator_id"::text, new_values."creator_id"::text) END, \'date\', CASE WHEN old_values."date" IS DISTINCT FROM new_values."date" THEN jsonb_build_array(old_values."date"::text, new_values."date"::text) END, \'currency\', CASE WHEN old_values."currency" IS DISTINCT FROM new_values."currency" THEN jsonb_build_array(old_values."currency"::text, new_values."currency"::text) END, \'commission\', CASE WHEN old_values."commission" IS DISTINCT FROM new_values."commission" THEN jsonb_build_array(old_values."commission"::text, new_values."commission"::text) END)), \'changed\', new_values."id", new_values."status", new_values."store_id" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values."commission_rate" IS DISTINCT FROM (new_values."commission_rate") OR old_values."decided_by_id" IS DISTINCT FROM (new_values."decided_by_id") OR old_values."decision_reason" IS DISTINCT FROM (new_values."decision_reason") OR old_values."paid_at" IS DISTINCT FROM (new_values."paid_at") OR old_values."payout_batch_id" IS DISTINCT FROM (new_values."payout_batch_id") OR old_values."status" IS DISTINCT FROM (new_values."status")); RETURN NULL;',
                    hash="8a4fcf0bc28100bda46f9d1c3bd0d544ad45f9c9",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_audit_changed_4f6d4",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="reporting_conversion",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="conversion",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_removed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_conversionevent" ("campaign_id", "commission", "commission_rate", "creator_id", "currency", "date", "decided_by_id", "decision_reason", "organization_id", "paid_at", "payout_batch_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "status", "store_id") SELECT old_values."campaign_id", old_values."commission", old_values."commission_rate", old_values."creator_id", old_values."currency", old_values."date", old_values."decided_by_id", old_values."decision_reason", old_values."organization_id", old_values."paid_at", old_values."payout_batch_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_build_object(\'status\', jsonb_build_array(old_values."status"::text, NULL), \'decided_by_id\', jsonb_build_array(old_values."decided_by_id"::text, NULL), \'decision_reason\', jsonb_build_array(old_values."decision_reason"::text, NULL), \'commission_rate\', jsonb_build_array(old_values."commission_rate"::text, NULL), \'payout_batch_id\', jsonb_build_array(old_values."payout_batch_id"::text, NULL), \'paid_at\', jsonb_build_array(old_values."paid_at"::text, NULL)), \'removed\', old_values."id", old_values."status", old_values."store_id" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, old_values ; RETURN NULL;',
                    hash="95b49473b34ea58dff00c13be8b27553cfffde2c",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_audit_removed_0ccb3",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="reporting_conversion",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="payoutbatch",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_created",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_payoutbatchevent" ("adjustments_count", "conversions_count", "organization_id", "paid_at", "paid_by_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "reference", "totals") SELECT new_values."adjustments_count", new_values."conversions_count", new_values."organization_id", new_values."paid_at", new_values."paid_by_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_build_object(\'paid_by_id\', jsonb_build_array(NULL, new_values."paid_by_id"::text), \'paid_at\', jsonb_build_array(NULL, new_values."paid_at"::text), \'reference\', jsonb_build_array(NULL, new_values."reference"::text), \'conversions_count\', jsonb_build_array(NULL, new_values."conversions_count"::text), \'adjustments_count\', jsonb_build_array(NULL, new_values."adjustments_count"::text), \'totals\', jsonb_build_array(NULL, new_values."totals"::text)), \'created\', new_values."id", new_values."reference", new_values."totals" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, new_values ; RETURN NULL;',
                    hash="1b23c4253446a0a2c9c2e1d7aa5059f2298a4f7b",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_audit_created_99105",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="reporting_payoutbatch",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="payoutbatch",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_changed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_payoutbatchevent" ("adjustments_count", "conversions_count", "organization_id", "paid_at", "paid_by_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "reference", "totals") SELECT new_values."adjustments_count", new_values."conversions_count", new_values."organization_id", new_values."paid_at", new_values."paid_by_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_strip_nulls(jsonb_build_object(\'paid_by_id\', CASE WHEN old_values."paid_by_id" IS DISTINCT FROM new_values."paid_by_id" THEN jsonb_build_array(old_values."paid_by_id"::text, new_values."paid_by_id"::text) END, \'paid_at\', CASE WHEN old_values."paid_at" IS DISTINCT FROM new_values."paid_at" THEN jsonb_build_array(old_values."paid_at"::text, new_values."paid_at"::text) END, \'reference\', CASE WHEN old_values."reference" IS DISTINCT FROM new_values."reference" THEN jsonb_build_array(old_values."reference"::text, new_values."reference"::text) END, \'conversions_count\', CASE WHEN old_values."conversions_count" IS DISTINCT FROM new_values."conversions_count" THEN jsonb_build_array(old_values."conversions_count"::text, new_values."conversions_count"::text) END, \'adjustments_count\', CASE WHEN old_values."adjustments_count" IS DISTINCT FROM new_values."adjustments_count" THEN jsonb_build_array(old_values."adjustments_count"::text, new_values."adjustments_count"::text) END, \'totals\', CASE WHEN old_values."totals" IS DISTINCT FROM new_values."totals" THEN jsonb_build_array(old_values."totals"::text, new_values."totals"::text) END)), \'changed\', new_values."id", new_values."reference", new_values."totals" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values."adjustments_count" IS DISTINCT FROM (new_values."adjustments_count") OR old_values."conversions_count" IS DISTINCT FROM (new_values."conversions_count") OR old_values."paid_at" IS DISTINCT FROM (new_values."paid_at") OR old_values."paid_by_id" IS DISTINCT FROM (new_values."paid_by_id") OR old_values."reference" IS DISTINCT FROM (new_values."reference") OR old_values."totals" IS DISTINCT FROM (new_values."totals")); RETURN NULL;',
                    hash="0f184d0791246dcd561d9ab5c888aea96f0b5c4e",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_audit_changed_3e4d0",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="reporting_payoutbatch",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="payoutbatch",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_removed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "audit_payoutbatchevent" ("adjustments_count", "conversions_count", "organization_id", "paid_at", "paid_by_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_diff", "pgh_label", "pgh_obj_id", "reference", "totals") SELECT old_values."adjustments_count", old_values."conversions_count", old_values."organization_id", old_values."paid_at", old_values."paid_by_id", _pgh_ctx.metadata, _pgh_ctx.id, NOW(), jsonb_build_object(\'paid_by_id\', jsonb_build_array(old_values."paid_by_id"::text, NULL), \'paid_at\', jsonb_build_array(old_values."paid_at"::text, NULL), \'reference\', jsonb_build_array(old_values."reference"::text, NULL), \'conversions_count\', jsonb_build_array(old_values."conversions_count"::text, NULL), \'adjustments_count\', jsonb_build_array(old_values."adjustments_count"::text, NULL), \'totals\', jsonb_build_array(old_values."totals"::text, NULL)), \'removed\', old_values."id", old_values."reference", old_values."totals" FROM (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB AS metadata, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID AS id) AS _pgh_ctx, old_values ; RETURN NULL;',
                    hash="d3e59554e3d53004598e81fb3d296fa1165ffb56",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_audit_removed_0d2dc",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="reporting_payoutbatch",
                    when="AFTER",
                ),
            ),
        ),
    ]
