"""Redis names of the click pipeline and the client it uses.

- `clicks:stream` (stream): one entry per hit on /l/<code>, one field `c` holding
  "id|link|org|u|self|ts|sub|ip|ua|ref|bot": the click's uuid, link and organisation ids,
  unique (1/0), the creator's own session (1/0), epoch seconds, sub-id, salted IP hash,
  user-agent class, referrer host, bot (1/0);
- consumer group `clicks-flush` on it: the flush job's readers; entries stay pending until
  acknowledged (after they are in PostgreSQL) and are reclaimed when a reader dies;
- `clicks:route:<code>` (hash): link, org, dest, active (1/0), creator, title, asin; a hash
  with only `active=0` marks an unknown code for a few minutes;
- `clicks:seen:<code>:<visitor>` (string): the first click id of a visitor on a link, expires
  after the unique window (an hour);
- `clicks:salt:<YYYY-MM-DD>` (string): the UTC day's IP-hash salt, expires after two days.

`CLICKS_REDIS_URL` (default: `REDIS_URL`) names the server. Configure it with the append-only
file (`appendonly yes`, `appendfsync everysec`): Redis writes each command to the file before it
replies, so an entry acknowledged to the redirect survives a Redis restart or crash; only a
power loss of the machine could lose the last second. (`appendfsync always` would close that
too, but halves the redirect's throughput: bench/redirect measured 48 % instead of 74 %.)
"""

from __future__ import annotations

import os
import threading
from typing import Any

import redis
from django.conf import settings

STREAM = "clicks:stream"
GROUP = "clicks-flush"
ROUTE_PREFIX = "clicks:route:"
SEEN_PREFIX = "clicks:seen:"
SALT_PREFIX = "clicks:salt:"


def route_key(code: str) -> str:
    return ROUTE_PREFIX + code


def seen_key(code: str, visitor: str) -> str:
    return f"{SEEN_PREFIX}{code}:{visitor}"


def salt_key(day: str) -> str:
    return SALT_PREFIX + day


def redis_url() -> str:
    return getattr(settings, "CLICKS_REDIS_URL", "") or settings.REDIS_URL


_clients: dict[str, Any] = {}


def client() -> redis.Redis:
    """One client (connection pool) per URL and process; short timeouts so a dead Redis
    fails fast and the redirect can fall back to PostgreSQL."""
    url = redis_url()
    found = _clients.get(url)
    if found is None:
        found = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5, health_check_interval=30
        )
        _clients[url] = found
    return found


_local = threading.local()


def run_script(script: Any, keys: list[str], args: list[Any]) -> Any:
    """EVALSHA on this thread's own connection, without the client's pool, retry and event
    machinery: the redirect's one round trip costs half as much. Loads the script on NOSCRIPT;
    reconnects once after a broken connection; raises redis.RedisError when Redis is away."""
    key = (redis_url(), os.getpid())  # a forked child opens its own connection
    conn = getattr(_local, "conns", {}).get(key)
    if conn is None:
        conn = client().connection_pool.make_connection()
        _local.conns = {**getattr(_local, "conns", {}), key: conn}
    for attempt in (1, 2):
        try:
            conn.send_command("EVALSHA", script.sha, len(keys), *keys, *args)
            try:
                return conn.read_response()
            except redis.exceptions.NoScriptError:
                conn.send_command("EVAL", script.script, len(keys), *keys, *args)
                return conn.read_response()
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            conn.disconnect()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))
