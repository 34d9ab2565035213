"""Redis names of the click pipeline and the client it uses.

- `clicks:stream` (stream): one entry per hit on /l/<code>, one field `c` holding
  "id|link|org|u|self|ts|sub|ip|ua|ref|bot": the click's uuid, link and organisation ids,
  unique (1/0), the creator's own session (1/0), epoch seconds, sub-id, salted IP hash,
  user-agent class, referrer host, bot (1/0);
- consumer group `clicks-flush` on it: the flush job's readers; entries stay pending until
  acknowledged (after they are in PostgreSQL) and are reclaimed when a reader dies;
- `clicks:route:<code>` (hash): link, org, dest, active (1/0), creator, title, asin; a hash
  with only `active=0` marks an unknown code for a few minutes;
- `clicks:seen:<code>:<ip>` (string): the unique clicks on a link from one salted IP hash (its
  first 32 hex digits) within the unique window, as "<epoch seconds> <device class>," each;
  expires a window after the last one (the rule: campaigns/clicks/handoff.py);
- `clicks:salt:<YYYY-MM-DD>` (string): the UTC day's IP-hash salt, expires after two days.

`CLICKS_REDIS_URL` (default: `REDIS_URL`) names the server. Configure it with the append-only
file (`appendonly yes`, `appendfsync everysec`): Redis writes each command to the file before it
replies, so an entry acknowledged to the redirect survives a Redis restart or crash; only a
power loss of the machine could lose the last second. (`appendfsync always` would close that
too, but halves the redirect's throughput: bench/redirect measured 48 % instead of 74 %.)
"""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any

import redis
from django.conf import settings

STREAM = "clicks:stream"
# One stream entry's field `c`, split on "|": what the redirect writes and the flush reads.
ENTRY_FIELDS = ("id", "link", "org", "u", "self", "ts", "sub", "ip", "ua", "ref", "bot")
GROUP = "clicks-flush"
ROUTE_PREFIX = "clicks:route:"
SEEN_PREFIX = "clicks:seen:"
SALT_PREFIX = "clicks:salt:"


def route_key(code: str) -> str:
    return ROUTE_PREFIX + code


def visits_key(code: str, ip_hash: str) -> str:
    return f"{SEEN_PREFIX}{code}:{ip_hash[:32]}"


def salt_key(day: str) -> str:
    return SALT_PREFIX + day


def redis_url() -> str:
    return getattr(settings, "CLICKS_REDIS_URL", "") or settings.REDIS_URL


# --- the connection pool: one per process ----------------------------------------------------
#
# Every Redis command of the click pipeline (the redirect's script, route publishing and
# loading, the flush) goes through this process's one client and its connection pool, shared by
# all its threads and bounded (`CLICKS_REDIS_MAX_CONNECTIONS`): a thread borrows a connection
# for one command and gives it back, so a threaded server (runserver, gunicorn gthread) uses at
# most one per request in flight, never one per thread it ever ran. When every connection is
# busy a request waits for one briefly, then fails like any other Redis error (the redirect
# falls back to PostgreSQL). A forked child (gunicorn, Celery prefork) starts its own pool and
# never touches its parent's sockets.
#
# `run_script`, the redirect's one round trip, keeps up to `IDLE_SCRIPT_CONNECTIONS` of the
# pool's connections it has finished with on a free list of the process and takes them from
# there first: a list pop and append, where the pool's own checkout and return (locks, a
# liveness poll, metrics) would cost as much CPU as the round trip itself. They stay the pool's
# connections, so its bound holds; the rest go back to the pool.

MAX_CONNECTIONS = 50
POOL_WAIT_SECONDS = 0.5
SOCKET_TIMEOUT = 0.5
IDLE_SCRIPT_CONNECTIONS = 8


class _Pool:
    __slots__ = ("client", "idle")

    def __init__(self, url: str) -> None:
        pool = redis.BlockingConnectionPool.from_url(
            url,
            max_connections=setting("CLICKS_REDIS_MAX_CONNECTIONS", MAX_CONNECTIONS),
            timeout=POOL_WAIT_SECONDS,
            socket_timeout=SOCKET_TIMEOUT,
            socket_connect_timeout=SOCKET_TIMEOUT,
            health_check_interval=30,
        )
        self.client = redis.Redis(connection_pool=pool)
        # connections run_script checked out of the pool and is not using (LIFO)
        self.idle: list[Any] = []


_lock = threading.Lock()
_pid = 0
_pools: dict[str, _Pool] = {}


def _pool() -> _Pool:
    global _pid
    url = redis_url()
    found = _pools.get(url)
    if found is not None and _pid == os.getpid():
        return found
    with _lock:
        if _pid != os.getpid():  # first use, or a forked child: nothing of the parent's
            _pools.clear()
            _pid = os.getpid()
        found = _pools.get(url)
        if found is None:
            found = _pools[url] = _Pool(url)
        return found


def client() -> redis.Redis:
    """This process's client for the click Redis: short timeouts, so a dead Redis fails fast
    and the redirect can fall back to PostgreSQL."""
    return _pool().client


class Script:
    """A Lua script, known by its SHA1 from import on; loaded into Redis on first use."""

    __slots__ = ("sha", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self.sha = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()


def run_script(script: Script, keys: list[str], args: list[Any]) -> Any:
    """EVALSHA on a connection of the pool, without the client's retry and response-callback
    machinery. Loads the script on NOSCRIPT; reconnects once after a broken connection; raises
    redis.RedisError when Redis is away or every connection stays busy."""
    pool = _pool()
    try:
        conn = pool.idle.pop()  # atomic under the GIL, like the append below
    except IndexError:
        conn = pool.client.connection_pool.get_connection()
    try:
        for attempt in (1, 2):
            try:
                conn.send_command("EVALSHA", script.sha, len(keys), *keys, *args)
                try:
                    return conn.read_response()
                except redis.exceptions.NoScriptError:
                    conn.send_command("EVAL", script.source, len(keys), *keys, *args)
                    return conn.read_response()
            except (redis.ConnectionError, redis.TimeoutError, OSError):
                conn.disconnect()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")
    except BaseException:
        conn.disconnect()  # a reply may be half read: never hand such a connection on
        raise
    finally:
        if len(pool.idle) < IDLE_SCRIPT_CONNECTIONS:
            pool.idle.append(conn)
        else:
            pool.client.connection_pool.release(conn)


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))
