"""Development: `make run`. DATABASE_URL / REDIS_URL are set by scripts/dev.py when it starts
the embedded servers."""

import base64
import hashlib
import os
from typing import Any, cast

# A fixed development key: local data is not secret. Production requires its own keys.
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEYS",
    base64.urlsafe_b64encode(hashlib.sha256(b"local-only-key").digest()).decode(),
)
os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-not-secret-" + "x" * 40)
os.environ.setdefault("DJANGO_DEBUG", "true")

from config.settings.base import *  # noqa: F403
from config.settings.base import LOGGING as _BASE_LOGGING

# The demo (`seed_demo`) exists in development and tests only, never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# `make run` serves the web with runserver (scripts/dev.py): one thread per client connection,
# and browsers keep theirs open. A persistent database connection would be a PostgreSQL session
# per such thread, held until the browser lets go, until PostgreSQL has none left. Close it at
# the end of each request instead (gunicorn in production keeps DATABASE_CONN_MAX_AGE).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Product pictures from the Amazon sandbox (http on this machine, any port).
CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] = [SELF, "https:", "http://127.0.0.1:*"]  # noqa: F405

# `make run` is quiet in normal operation: runserver logs a request only when it is a client or
# server error (the demo's shoppers follow short links all day; every page view was a line).
_QUIET_SERVER = {"level": "WARNING", "handlers": ["console"], "propagate": False}
_LOGGERS = cast(dict[str, Any], _BASE_LOGGING["loggers"])
LOGGING = {**_BASE_LOGGING, "loggers": {**_LOGGERS, "django.server": _QUIET_SERVER}}
