"""The folder tree is the architecture (design.md): what ships in the production image and
what stays outside it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE_THE_PRODUCT = ("amazon_sandbox", "demo", "tests", "bench")


def test_the_production_image_leaves_out_the_sandbox_the_demo_tests_and_benchmarks():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert set(OUTSIDE_THE_PRODUCT) <= ignored


def test_production_settings_do_not_install_the_demo():
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print('demo' in settings.INSTALLED_APPS)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "example.test",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://example.test",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "FIELD_ENCRYPTION_KEYS": "a" * 43 + "=",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_no_product_module_imports_the_sandbox_or_the_demo():
    product = [
        p
        for p in ROOT.glob("*/**/*.py")
        if p.relative_to(ROOT).parts[0] not in {*OUTSIDE_THE_PRODUCT, ".venv", "node_modules"}
    ]
    offenders = [
        str(p.relative_to(ROOT))
        for p in product
        for line in p.read_text().splitlines()
        if line.lstrip().startswith(("import amazon_sandbox", "from amazon_sandbox", "from demo"))
        and p.relative_to(ROOT).parts[0] != "scripts"
    ]
    assert offenders == []


def _imported_modules(path: Path) -> list[str]:
    """Every module (or module.name) that a file imports, relative imports resolved."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found += [module, *(f"{module}.{alias.name}" for alias in node.names)]
    return found


def test_no_test_module_imports_another_test_module():
    """Helpers that several test modules share live in tests/support/ (and tests/factories.py),
    fixtures in a conftest.py: no module imports a test module or a conftest."""
    offenders = set()
    for path in (ROOT / "tests").rglob("*.py"):
        for name in _imported_modules(path):
            parts = name.split(".")
            for n, part in enumerate(parts):
                if parts[0] == "tests" and (part.startswith("test_") or part == "conftest"):
                    offenders.add(f"{path.relative_to(ROOT)} imports {'.'.join(parts[: n + 1])}")
                    break
    assert not offenders, "move what they share to tests/support/:\n" + "\n".join(sorted(offenders))


def test_row_locks_are_taken_only_in_each_apps_lock_objects_module():
    """Locks in one order: every `select_for_update()` lives in an app's lock_objects.py,
    where the order is written down (Saleor's pattern)."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.glob("*/**/*.py")
        if path.relative_to(ROOT).parts[0] not in {*OUTSIDE_THE_PRODUCT, ".venv", "node_modules"}
        and path.name != "lock_objects.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ".select_for_update(" in line
    ]
    assert offenders == []


def test_every_api_enum_name_override_names_a_model_that_exists():
    """Moving a model must move its OpenAPI enum override too (CI's `check --deploy` fails on
    drf-spectacular's warning otherwise)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    for path in settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].values():
        module, _, attribute = path.rpartition(".")
        assert getattr(import_string(module), attribute)
