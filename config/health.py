"""GET /healthz: database, Redis, migrations and row-level security, as JSON (503 on failure)."""

from __future__ import annotations

from django.apps import apps
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tenancy.checks import role_bypasses_rls
from tenancy.models import TenantModel


def tenant_tables() -> list[str]:
    return sorted(m._meta.db_table for m in apps.get_models() if issubclass(m, TenantModel))


def rls_problems(cursor) -> list[str]:  # type: ignore[no-untyped-def]
    """Tenant tables, and the partitions of partitioned ones (a query naming a partition is
    bound only by the partition's own policy), without ENABLE + FORCE row-level security and a
    policy."""
    tables = tenant_tables()
    cursor.execute(
        """
        SELECT c.relname FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        JOIN pg_namespace n ON n.oid = p.relnamespace
        WHERE n.nspname = current_schema() AND p.relname = ANY(%s)
        """,
        [tables],
    )
    tables = sorted({*tables, *(row[0] for row in cursor.fetchall())})
    cursor.execute(
        """
        SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
               EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = c.relname)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relname = ANY(%s)
        """,
        [tables],
    )
    found = {name: (enabled and forced and policy) for name, enabled, forced, policy in cursor}
    return [t for t in tables if not found.get(t)]


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    status: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            status["database"] = "ok"
            bypass = role_bypasses_rls(cursor)
            missing = rls_problems(cursor)
            if bypass:
                status["row_level_security"] = f"error: {bypass}"
            elif missing:
                status["row_level_security"] = "error: not enforced on " + ", ".join(missing)
            else:
                status["row_level_security"] = "ok"
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        status["migrations"] = "ok" if not pending else f"error: {len(pending)} pending"
    except DatabaseError as exc:
        status.setdefault("database", f"error: {exc.__class__.__name__}")
        status.setdefault("row_level_security", "unknown")
        status.setdefault("migrations", "unknown")
    try:
        cache.set("healthz", "1", timeout=5)
        status["redis"] = "ok" if cache.get("healthz") == "1" else "error: read back failed"
    except Exception as exc:
        status["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in status.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": status}, status=200 if healthy else 503
    )
