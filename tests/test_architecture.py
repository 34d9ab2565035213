"""Where code may read the database (design.md, style.md): views, the API's views and
serializers and the portal's pages call selectors and services; they never touch a model's
manager. Lookups by id go through tenancy.access (the apps' `<entity>_get` selectors), so the
404 for "missing" and "not yours" is written once. Like tests/test_layout.py, this reads the
source."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE_THE_PRODUCT = {".venv", ".data", ".git", "node_modules", "tests", "bench", "amazon_sandbox"}
# `Model.objects` and the cross-tenant escape `Model.unscoped`: selectors' business, not a view's.
MANAGERS = {"objects", "unscoped"}


def _is_presentation(parts: tuple[str, ...]) -> bool:
    """A module that answers HTTP: any `views.py` or module of a `views/` package (the apps',
    the API's, the portal's), the API's serializers and its settings pages."""
    return (
        parts[-1] == "views.py"
        or "views" in parts[:-1]
        or parts[:2] == ("api", "serializers")
        or parts == ("api", "pages.py")
    )


def presentation_modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if OUTSIDE_THE_PRODUCT.isdisjoint(parts) and _is_presentation(parts):
            found["/".join(parts)] = path
    return found


def manager_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"line {node.lineno}: .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS
    ]


def test_the_scan_sees_every_kind_of_view_module():
    names = set(presentation_modules())
    assert {
        "tenancy/views/base.py",
        "campaigns/views/links.py",
        "attribution/views.py",
        "api/views/base.py",
        "api/serializers/common.py",
        "api/pages.py",
    } <= names
    assert any(name.endswith("portal/views/base.py") for name in names)


def test_views_and_the_api_read_through_selectors_never_a_models_manager():
    offenders = {
        name: uses
        for name, path in sorted(presentation_modules().items())
        if (uses := manager_uses(path))
    }
    assert offenders == {}, (
        "call a selector (`<entity>_get` via tenancy.access, or a list selector) instead"
    )
