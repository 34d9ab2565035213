"""Settings of the redirect benchmark: the development settings with DEBUG off, the bench URLs
added, and the click stream on a Redis database of its own (so `make run` data is untouched)."""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")

from config.settings.local import *  # noqa: F403
from config.settings.local import LOGGING, REDIS_URL

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "benchurls"
AMAZON_SANDBOX_URL = ""  # destinations on www.amazon.com
CLICKS_REDIS_URL = REDIS_URL.rsplit("/", 1)[0] + "/14"
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}
