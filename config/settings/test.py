"""Tests: real PostgreSQL and Redis (see scripts/dev.py); never SQLite, never mocks of them."""

import base64
import hashlib
import os

# A fixed development key: local data is not secret. Production requires its own keys.
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEYS",
    base64.urlsafe_b64encode(hashlib.sha256(b"test-only-key").digest()).decode(),
)
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret-" + "x" * 40)

from config.settings.base import *  # noqa: F403
from config.settings.base import REDIS_URL, env

# The demo (`seed_demo`) exists in development and tests only, never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A Redis database of its own, so a test run never touches `make run`'s data.
_TEST_REDIS_URL = env("REDIS_TEST_URL", default=REDIS_URL.rsplit("/", 1)[0] + "/15")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _TEST_REDIS_URL,
        "KEY_PREFIX": "amzattr-test",
    }
}
CELERY_BROKER_URL = _TEST_REDIS_URL
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the source folders (browser tests), no collectstatic needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
REDIS_URL = _TEST_REDIS_URL  # raw Redis users (token cache, click stream) share the test DB
AMAZON_HTTP_TIMEOUT = 2.0
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405  (live-server threads must not hold the test DB)
# A second connection to the test database as the read replica (tenancy.replica): off unless a
# test turns DATABASE_REPLICA_READS on (tests/tenancy/test_replica.py).
DATABASES["replica"] = {  # noqa: F405
    **DATABASES["default"],  # noqa: F405
    "ATOMIC_REQUESTS": False,
    "TEST": {"MIRROR": "default"},
}
DATABASE_REPLICA_READS = False
# Product pictures from the Amazon sandbox (http on this machine, any port), as in local.py.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] = [SELF, "https:", "http://127.0.0.1:*"]  # noqa: F405
