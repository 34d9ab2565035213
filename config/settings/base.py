"""Settings shared by every environment. Everything secret or host-specific comes from the
environment (12-factor); `local`, `test` and `production` only adjust defaults."""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "pgtrigger",
    "pghistory",
    "core",
    "tenancy",
    "attribution",
    "campaigns",
    "creators",
    "commissions",
    "audit",
    "reporting",
    "api",
    "portal",
]

MIDDLEWARE = [
    "csp.middleware.CSPMiddleware",  # first: its header reaches redirects answered below it too
    "django.middleware.security.SecurityMiddleware",
    "tenancy.replica.ReplicaPinMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who acts, for the audit trail the database triggers write (audit.context).
    "audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tenancy.middleware.TenantScopeResetMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenancy.context_processors.tenancy",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------
# DATABASE_URL names the role the application runs as: never a superuser, never BYPASSRLS
# (tenancy.checks refuses to start otherwise). Every request runs in one transaction so the
# tenant can be set with SET LOCAL (tenancy.scoping).
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# No JIT compilation: on a big tenant the pages' queries (thousands of index probes, a few
# hundred milliseconds) cost more than jit_above_cost, and compiling them took 85 ms of a 300 ms
# ranking (bench/dashboard, issue 16). PostgreSQL's documentation names JIT a gain for long
# CPU-bound analytical queries, not for short ones ("Why JIT?", chapter 32).
JIT_OFF = "-c jit=off"


def _without_jit(database: dict) -> None:
    options = database.setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, [options.get("options"), JIT_OFF]))


_without_jit(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A read replica (streaming replication of the same database, same application role): the
# dashboards, exports and the creator portal read from it, never inside a transaction that
# wrote and never for a visitor who wrote in the last DATABASE_REPLICA_PIN_SECONDS
# (tenancy/replica.py). Unset: everything reads the primary.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=10)
DATABASE_REPLICA_READS = bool(DATABASE_REPLICA_URL)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    _without_jit(DATABASES["replica"])
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["tenancy.replica.ReplicaRouter"]

# --- Redis: cache, Celery broker, click buffer ------------------------------------------
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "amzattr",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Queues by kind of work, so a long backfill or export never delays the click flush:
# docker-compose.yml runs one worker service per queue group (each scalable); a worker started
# without -Q (make run, tests) consumes all four. Tasks not routed below go to `default`.
CELERY_TASK_QUEUES = [Queue(name) for name in ("clicks", "sync", "exports", "default")]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    # every few seconds, short: nothing else may hold its worker
    "campaigns.clicks_flush": {"queue": "clicks"},
    # Amazon pulls and backfills: minutes to hours
    "attribution.sync_due_stores": {"queue": "sync"},
    "attribution.sync_store": {"queue": "sync"},
    # CSV exports: long streaming writes
    "reporting.export_run": {"queue": "exports"},
    "reporting.exports_expire": {"queue": "exports"},
    # the rest (link generation, conversions advancing, click partition upkeep) on `default`
}

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "tenancy.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
INVITATION_MAX_AGE = env.int("INVITATION_MAX_AGE", default=7 * 24 * 3600)
# Creator portal invitations (magic links): signed, single use, expire after this many seconds.
PORTAL_INVITATION_MAX_AGE = env.int("PORTAL_INVITATION_MAX_AGE", default=7 * 24 * 3600)

# --- Client address (tenancy/client_ip.py) ---------------------------------------------------
# How many reverse proxies in front of the app append to X-Forwarded-For. 0: the client is
# REMOTE_ADDR and X-Forwarded-For is ignored (anyone can send one). N: the client is the Nth
# address from the right of X-Forwarded-For. Sign-in lockout and password-reset limits use it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Failed sign-ins (django-axes, counted in Redis; tenancy/throttling.py): an account is locked
# for one client address after AXES_FAILURE_LIMIT failures, and a client address for every
# account after SIGNIN_ADDRESS_FAILURE_LIMIT failures across accounts (one password tried
# against many). Either answers 429 with Retry-After: the cool-off restarts with every attempt.
AXES_HANDLER = "tenancy.throttling.SignInLockoutHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
SIGNIN_ADDRESS_FAILURE_LIMIT = env.int("SIGNIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "tenancy.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "tenancy.throttling.lockout_response"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True  # the account's count for that address, not the address's
# Password-reset mails: per address asked for, and requests per client address, per window.
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
PASSWORD_RESET_LIMIT_PER_CLIENT = env.int("PASSWORD_RESET_LIMIT_PER_CLIENT", default=10)
PASSWORD_RESET_LIMIT_WINDOW = 3600  # seconds
# Self-serve sign-up (tenancy/signup.py): off makes the installation invite-only.
SIGNUP_OPEN = env.bool("SIGNUP_OPEN", default=True)
SIGNUP_LINK_MAX_AGE = env.int("SIGNUP_LINK_MAX_AGE", default=60 * 60 * 24)
SIGNUP_LIMIT_PER_EMAIL = env.int("SIGNUP_LIMIT_PER_EMAIL", default=3)
SIGNUP_LIMIT_PER_CLIENT = env.int("SIGNUP_LIMIT_PER_CLIENT", default=10)
SIGNUP_LIMIT_WINDOW = 3600  # seconds

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Attribution <no-reply@localhost>")

# --- i18n, static -------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT: Path | None = BASE_DIR / ".data" / "staticfiles"
# Front-end packages come from npm at set-up time (package-lock.json; `make` runs `npm ci`);
# only their dist folders are served.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Content-Security-Policy and Permissions-Policy (config/headers.py) ----------------------
# Scripts come from our static files, or inline with the request's nonce
# (`<script nonce="{{ request.csp_nonce }}">`); no inline event handlers (onclick=...), no
# inline styles (tests/deploy/test_templates.py checks the templates). htmx is configured in
# base.html not to inject its own <style> nor to eval. The API docs pages loosen the policy for
# themselves only (api/urls.py). No form-action: "Connect Amazon Ads" posts here and is then
# redirected to Amazon, which form-action would block.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # product pictures come from Amazon's catalog (any https host; the sandbox's own in
        # development, added in config/settings/local.py)
        "img-src": [SELF, "https:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}
# Powerful browser features nobody here needs are off; the portal's copy button writes the
# clipboard. Every response carries it (config.headers.SecurityHeadersMiddleware).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    "clipboard-write": ["self"],
    "fullscreen": ["self"],
}

# --- REST API (/api/v1/, the `api` app) -----------------------------------------------------
# The API's views set authentication, permissions, throttling, parsers and renderers in one
# base class (api.views.base); these defaults are what anything else built on DRF gets.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
}
API_KEY_PREFIX = "amzattr"
# Requests per key (or per signed-in user) and minute; over it: 429 with Retry-After.
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=600)
SPECTACULAR_SETTINGS = {
    "TITLE": "Attribution API",
    "DESCRIPTION": (BASE_DIR / "api" / "docs.md").read_text(encoding="utf-8"),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "StoreStatusEnum": "attribution.models.Store.Status",
        "CampaignStatusEnum": "campaigns.models.Campaign.Status",
        "CampaignCreatorStatusEnum": "campaigns.models.CampaignCreator.Status",
        "ConversionStatusEnum": "commissions.models.Conversion.Status",
        "SyncRunStatusEnum": "attribution.models.SyncRun.Status",
        "ExportStatusEnum": "reporting.models.Export.Status",
        "LinkJobStatusEnum": "campaigns.models.LinkJob.Status",
    },
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums"],
}

# --- Audit trail (audit/): pghistory events, the actor stored on each event row ------------
# The context (who acted) is copied into each event's own tenant table, never into
# pghistory's shared context table; foreign keys of event rows are not indexed one by one.
import pghistory  # noqa: E402

PGHISTORY_CONTEXT_FIELD = pghistory.ContextJSONField()
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
PGHISTORY_JSON_ENCODER = "audit.context.ContextEncoder"
PGHISTORY_INSTALL_CONTEXT_FUNC_ON_MIGRATE = False

# --- Exports (reporting.exports) -----------------------------------------------------------
# Above this many estimated rows an export runs as a background job (file + expiring link).
EXPORT_ASYNC_ROWS = env.int("EXPORT_ASYNC_ROWS", default=50_000)
EXPORTS_DIR = env.path("EXPORTS_DIR", default=BASE_DIR / ".data" / "exports")
EXPORT_LINK_MAX_AGE = env.int("EXPORT_LINK_MAX_AGE", default=3600)  # a download link, seconds
EXPORT_RETENTION_HOURS = env.int("EXPORT_RETENTION_HOURS", default=24)  # then the file goes

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_errors": {"()": "core.logging.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # An expected 403/404 is one line, not a traceback (core/logging.py).
        "django.request": {"filters": ["client_errors"]},
    },
}

# --- Amazon ---------------------------------------------------------------------------------
# Secrets at rest (Amazon refresh tokens): comma-separated Fernet keys, first one encrypts.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
# AMAZON_SANDBOX_URL points every Amazon URL at the bundled sandbox (amazon_sandbox);
# `make run` sets it when no Amazon credentials are configured.
AMAZON_SANDBOX_URL = env("AMAZON_SANDBOX_URL", default="").rstrip("/")
_SANDBOX = AMAZON_SANDBOX_URL
AMAZON_ADS_CLIENT_ID = env(
    "AMAZON_ADS_CLIENT_ID", default="amzn1.application-oa2-client.sandbox" if _SANDBOX else ""
)
AMAZON_ADS_CLIENT_SECRET = env(
    "AMAZON_ADS_CLIENT_SECRET", default="sandbox-secret" if _SANDBOX else ""
)
# Empty means Amazon's regional hosts (NA, EU, FE).
AMAZON_ADS_API_URL = env("AMAZON_ADS_API_URL", default=_SANDBOX)
AMAZON_LWA_TOKEN_URL = env(
    "AMAZON_LWA_TOKEN_URL", default=f"{_SANDBOX}/auth/o2/token" if _SANDBOX else ""
)
AMAZON_LWA_AUTHORIZE_URL = env(
    "AMAZON_LWA_AUTHORIZE_URL", default=f"{_SANDBOX}/ap/oa" if _SANDBOX else ""
)
AMAZON_HTTP_TIMEOUT = env.float("AMAZON_HTTP_TIMEOUT", default=30.0)
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Attribution sync -------------------------------------------------------------------------
# Failures in a row on one report page before the run gives up (its pages are kept and the
# next attempt resumes); the README's "Syncing with Amazon" has the whole story.
SYNC_MAX_RETRIES = env.int("SYNC_MAX_RETRIES", default=8)
SYNC_MAX_WAIT_SECONDS = env.float("SYNC_MAX_WAIT_SECONDS", default=120.0)  # per wait, in-run
# One run's time budget; keep it below CELERY_VISIBILITY_TIMEOUT, or the broker hands the
# still-running task to a second worker.
SYNC_DEADLINE_SECONDS = env.int("SYNC_DEADLINE_SECONDS", default=30 * 60)
# Renewed before every Amazon call; must outlast one call plus one wait.
SYNC_LEASE_SECONDS = env.int("SYNC_LEASE_SECONDS", default=300)
# A pull lowering a level's clicks, sales or brand sales in the window by more than this
# share is held for review instead of applied (attribution.sync.review).
SYNC_HOLD_PERCENT = env.int("SYNC_HOLD_PERCENT", default=20)
SYNC_NOW_MIN_INTERVAL = 15 * 60  # "Sync now" at most once per 15 minutes per store


# --- Short links and first-party clicks (campaigns.clicks) -----------------------------------
# The Redis holding the click stream; empty = REDIS_URL. Run it with appendonly yes (fsync
# everysec) so a click Redis acknowledged survives a restart (campaigns/clicks/keys.py).
CLICKS_REDIS_URL = env("CLICKS_REDIS_URL", default="")
CLICKS_UNIQUE_WINDOW_SECONDS = env.int("CLICKS_UNIQUE_WINDOW_SECONDS", default=3600)
# One IP counts at most this many unique clicks per link within that window, whatever user
# agents it sends (the rule: campaigns/clicks/handoff.py).
CLICKS_UNIQUE_PER_IP = env.int("CLICKS_UNIQUE_PER_IP", default=2)
# Connections in each process's one pool to the click Redis, shared by its threads.
CLICKS_REDIS_MAX_CONNECTIONS = env.int("CLICKS_REDIS_MAX_CONNECTIONS", default=50)
CLICKS_ROUTE_TTL_SECONDS = env.int("CLICKS_ROUTE_TTL_SECONDS", default=7 * 24 * 3600)
# Behind N trusted proxies, the client address is the Nth entry from the right of
# X-Forwarded-For; 0 = REMOTE_ADDR. Defaults to TRUSTED_PROXY_COUNT (one client address rule).
CLICKS_FORWARDED_FOR_DEPTH = env.int("CLICKS_FORWARDED_FOR_DEPTH", default=TRUSTED_PROXY_COUNT)
# Raw click events (partitioned by month) are kept this many months, then dropped a month at a
# time once the daily rollup is proven to hold them; the rollup is kept forever
# (campaigns/clicks/partitions.py).
CLICK_EVENTS_RETENTION_MONTHS = env.int("CLICK_EVENTS_RETENTION_MONTHS", default=13)
# Public base of /l/<code> links (a short domain); empty = SITE_URL.
SHORT_LINK_BASE_URL = env("SHORT_LINK_BASE_URL", default="").rstrip("/")
# /l/<code> is answered by the first middleware, before sessions, CSRF, auth and the rest: a
# click needs none of them (campaigns/views/redirect.py). Everything else passes through.
# Outside it, config.headers adds the security headers to every response, /l/ included.
MIDDLEWARE = [
    "config.headers.SecurityHeadersMiddleware",
    "campaigns.views.redirect.ShortLinkMiddleware",
    *MIDDLEWARE,
]

# --- The beat schedule: every periodic task, in one place ------------------------------------
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Every few seconds: first-party clicks from the Redis stream into PostgreSQL.
    "clicks-flush": {
        "task": "campaigns.clicks_flush",
        "schedule": 5.0,
        "options": {"expires": 30},
    },
    # Daily: click partitions created three months ahead, expired ones dropped.
    "clicks-partitions-maintain": {
        "task": "campaigns.clicks_partitions_maintain",
        "schedule": crontab(minute=7, hour=1),
        "options": {"expires": 6 * 3600},
    },
    # Hourly, off minute 0: one sync per store whose cadence has elapsed.
    "attribution-sync-due-stores": {
        "task": "attribution.sync_due_stores",
        "schedule": crontab(minute=17),
        "options": {"expires": 50 * 60},
    },
    # Hourly: export files past their retention are removed.
    "reporting-exports-expire": {
        "task": "reporting.exports_expire",
        "schedule": crontab(minute=53),
        "options": {"expires": 50 * 60},
    },
    # Daily: products' titles, images, prices and availability from Amazon's catalog.
    "campaigns-products-metadata-refresh": {
        "task": "campaigns.products_metadata_refresh_all",
        "schedule": crontab(minute=23, hour=3),
        "options": {"expires": 6 * 3600},
    },
    # Daily: settlement dates pass and months close even on days without a sync.
    "reporting-conversions-advance": {
        "task": "reporting.conversions_advance_all",
        "schedule": crontab(minute=41, hour=2),
        "options": {"expires": 6 * 3600},
    },
}
