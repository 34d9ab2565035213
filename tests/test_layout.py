"""The folder tree is the architecture (design.md): what ships in the production image and
what stays outside it."""

from __future__ import annotations

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
