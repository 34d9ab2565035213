"""Row-level security for tenant-owned tables, as a migration operation.

Every tenant-owned table gets ENABLE + FORCE (FORCE so the owning role, which the app
connects as, is bound too) and one policy on the transaction-local `app.tenant_id`. An unset
setting reads as NULL through NULLIF and matches no row, so a forgotten scope fails closed.
"""

from __future__ import annotations

from django.db import migrations

TENANT_SETTING = "NULLIF(current_setting('app.tenant_id', true), '')::bigint"
USER_SETTING = "NULLIF(current_setting('app.user_id', true), '')::bigint"
POLICY_NAME = "tenant_isolation"


def policy_sql(table: str, column: str = "organization_id", read_also: str | None = None) -> str:
    using = f"{column} = {TENANT_SETTING}"
    if read_also:
        using = f"({using}) OR ({read_also})"
    return (
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY;\n'
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY;\n'
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}";\n'
        f'CREATE POLICY {POLICY_NAME} ON "{table}" USING ({using}) '
        f"WITH CHECK ({column} = {TENANT_SETTING});"
    )


def EnableRowLevelSecurity(
    table: str, column: str = "organization_id", read_also: str | None = None
) -> migrations.RunSQL:
    """`read_also`: an extra SQL condition under which rows are readable (never writable)."""
    return migrations.RunSQL(
        sql=policy_sql(table, column, read_also),
        reverse_sql=(
            f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}";\n'
            f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY;\n'
            f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY;'
        ),
    )


def CascadeWithOrganization(table: str, constraint: str) -> migrations.RunSQL:
    """The organisation foreign key of a table that triggers write while the organisation's
    other rows are being deleted (a tenant model whose `organization` says
    db_constraint=False): PostgreSQL's own ON DELETE CASCADE takes the rows written after
    Django's collector has passed. Checked at once, not deferred: a deferred check's pending
    events would stop Django creating the table's indexes after a data migration's inserts."""
    return migrations.RunSQL(
        sql=(
            f'ALTER TABLE "{table}" ADD CONSTRAINT {constraint} FOREIGN KEY (organization_id) '
            "REFERENCES tenancy_organization (id) ON DELETE CASCADE"
        ),
        reverse_sql=f'ALTER TABLE "{table}" DROP CONSTRAINT {constraint}',
    )
