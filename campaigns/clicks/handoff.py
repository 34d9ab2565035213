"""The redirect's side of the click pipeline: one Redis round trip on a known code.

A Lua script reads the cached route, decides whether the click is unique (the rule below) and
appends the hit to the stream, atomically. The click id is minted here, which makes every later
write idempotent.
When Redis is unreachable the hit is written straight to PostgreSQL instead: slower, but no
click is lost and the visitor still gets their redirect."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import import_module
from typing import Any
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.http import HttpRequest

from campaigns.clicks import keys, routes, ua
from campaigns.clicks.flush import clicks_write
from tenancy.client_ip import client_ip as shared_client_ip

log = logging.getLogger(__name__)

CODE_RE = re.compile(r"^[A-Za-z0-9]{8,16}$")
SUB_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
UNIQUE_WINDOW = 3600
UNIQUE_PER_IP = 2
SALT_TTL = 2 * 24 * 3600
# The creator portal puts the ids of every creator profile of the signed-in portal account here
# (one per brand); clicks from that session on those creators' links are not counted.
CREATOR_SESSION_KEY = "portal_creator_ids"

# Unique clicks, the one rule (applied by the Lua script below when Redis is up, and by
# `_unique_in_postgresql` on the same terms when it is not): a click on a link is unique unless
#   - it is a bot's, a preview's or a HEAD (see ua.BOT_CLASSES), or the link creator's own; or
#   - in the window before it (`CLICKS_UNIQUE_WINDOW_SECONDS`, an hour), the link already had a
#     unique click from the same visitor: the same salted IP hash and device class (browser or
#     mobile); or
#   - in that window, the link already had `CLICKS_UNIQUE_PER_IP` (default 2) unique clicks from
#     the same IP hash.
# So one IP counts at most 2 unique clicks per link and hour however many user agents it sends
# (a household behind one router: a computer and a phone), and rotating user agents gains nothing.

# KEYS: route, visits (this IP's unique clicks on the link in the window: "<ts> <class>," each),
# stream. ARGV: click id, "ts|sub|ip|ua|ref|bot" (see keys.ENTRY_FIELDS), is bot (1/0), the
# session's creator ids as ",12,34," ('' = none), unique window (s), ts, unique clicks per IP,
# device class. Returns nil (route not cached), {0} (unknown or disabled) or
# {1, destination, title, asin}. The stream entry is one field `c`:
# "click id|link|org|unique|self|ts|sub|ip|ua|ref|bot" (compact: less to pack, send, store).
_HANDOFF = keys.Script("""
local r = redis.call('HMGET', KEYS[1], 'link', 'org', 'dest', 'active', 'creator', 'title', 'asin')
if not r[4] then return nil end
if r[4] ~= '1' or not r[1] then return {0} end
local is_self = '0'
if ARGV[4] ~= '' and r[5] and string.find(ARGV[4], ',' .. r[5] .. ',', 1, true) then
  is_self = '1'
end
local unique = '0'
if ARGV[3] == '0' and is_self == '0' then
  local now, window, mine = tonumber(ARGV[6]), tonumber(ARGV[5]), ARGV[8]
  local seen, kept, n = redis.call('GET', KEYS[2]), '', 0
  unique = '1'
  if seen then
    for ts, class in string.gmatch(seen, '([^ ,]+) ([^ ,]+),') do
      if tonumber(ts) > now - window then
        n = n + 1
        kept = kept .. ts .. ' ' .. class .. ','
        if class == mine then unique = '0' end
      end
    end
    if n >= tonumber(ARGV[7]) then unique = '0' end
  end
  if unique == '1' then
    redis.call('SET', KEYS[2], kept .. ARGV[6] .. ' ' .. mine .. ',', 'EX', window)
  end
end
redis.call('XADD', KEYS[3], '*', 'c',
  ARGV[1] .. '|' .. r[1] .. '|' .. r[2] .. '|' .. unique .. '|' .. is_self .. '|' .. ARGV[2])
return {1, r[3], r[6] or '', r[7] or ''}
""")
_HOST_JUNK = re.compile(r"[^a-z0-9.:\-\[\]]")


@dataclass(frozen=True)
class Hit:
    code: str
    click_id: str
    ts: float
    sub: str
    ip: str
    user_agent: str
    ua_class: str
    referrer_host: str
    # ",12,34,": the creator profiles signed in to the portal in this session ('' = none)
    session_creator_ids: str

    @property
    def is_bot(self) -> bool:
        return self.ua_class in ua.BOT_CLASSES


@dataclass(frozen=True)
class Outcome:
    """found=False: unknown or disabled code (404)."""

    found: bool
    destination: str = ""
    title: str = ""
    asin: str = ""


NOT_FOUND = Outcome(False)


# --- reading the request -----------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The visitor's address (tenancy.client_ip: REMOTE_ADDR, or the address
    `CLICKS_FORWARDED_FOR_DEPTH` hops from the right of X-Forwarded-For)."""
    return shared_client_ip(request, trusted_proxies=settings.CLICKS_FORWARDED_FOR_DEPTH)


def referrer_host(request: HttpRequest) -> str:
    referrer = request.META.get("HTTP_REFERER", "")
    if not referrer:
        return ""
    try:
        host = urlsplit(referrer).hostname or ""
    except ValueError:
        return ""
    return _HOST_JUNK.sub("", host)[:255]


def hit_from_request(request: HttpRequest, code: str) -> Hit:
    meta = request.META
    user_agent = str(meta.get("HTTP_USER_AGENT", ""))[: ua.MAX_UA]
    ua_class = ua.HEAD if request.method == "HEAD" else ua.classify(user_agent)
    sub = request.GET.get("sub", "") if meta.get("QUERY_STRING") else ""
    # Read the session only when the visitor has one (most clicks carry no cookie at all).
    session_key = (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME) if meta.get("HTTP_COOKIE") else None
    )
    creator_ids = _session_creator_ids(request, session_key) if session_key else ""
    return Hit(
        code=code,
        click_id=secrets.token_hex(16),  # 128 random bits: the click's id, everywhere
        ts=time.time(),
        sub=sub if SUB_RE.match(sub) else "",
        ip=client_ip(request),
        user_agent=user_agent,
        ua_class=ua_class,
        referrer_host=referrer_host(request),
        session_creator_ids=creator_ids,
    )


def creator_ids_token(creator_ids: Any) -> str:
    """ ",12,34," from a list of creator ids ('' for none or anything malformed), so a
    membership test is one substring search (in Lua as in Python)."""
    if not isinstance(creator_ids, list | tuple):
        return ""
    ids = [str(i) for i in creator_ids if isinstance(i, int) and not isinstance(i, bool)]
    return f",{','.join(ids)}," if ids else ""


def is_own_click(session_creator_ids: str, link_creator_id: str) -> bool:
    return bool(session_creator_ids and link_creator_id) and (
        f",{link_creator_id}," in session_creator_ids
    )


def _session_creator_ids(request: HttpRequest, session_key: str) -> str:
    """The creator profiles signed in to the portal in this session, if any. Works with or
    without SessionMiddleware (ShortLinkMiddleware runs before it)."""
    session = getattr(request, "session", None)
    if session is None:
        engine = import_module(settings.SESSION_ENGINE)
        session = engine.SessionStore(session_key=session_key)
    return creator_ids_token(session.get(CREATOR_SESSION_KEY))


# --- IP hashing --------------------------------------------------------------------------------

_salt: dict[int, tuple[bytes, float]] = {}
SALT_LOCAL_SECONDS = 60.0


def daily_salt(client: redis.Redis, day: int) -> bytes:
    """The salt of UTC day number `day` (days since 1970-01-01), shared by every process
    through Redis (created by whichever asks first), kept in this process for a minute so the
    hot path rarely asks."""
    cached = _salt.get(day)
    now = time.monotonic()
    if cached is not None and cached[1] > now:
        return cached[0]
    key = keys.salt_key(_day_name(day))
    pipe = client.pipeline(transaction=False)
    pipe.set(key, secrets.token_hex(32), nx=True, ex=SALT_TTL)
    pipe.get(key)
    salt = pipe.execute()[1]
    _salt.clear()
    _salt[day] = (salt, now + SALT_LOCAL_SECONDS)
    return salt


def cached_salt(day: int) -> bytes:
    """This process's copy of the day's salt, if any (the Redis-down path)."""
    cached = _salt.get(day)
    return cached[0] if cached else b""


def ip_hash(salt: bytes, ip: str) -> str:
    return hashlib.sha256(salt + ip.encode()).hexdigest() if ip else ""


def _day(ts: float) -> int:
    return int(ts) // 86400


def _day_name(day: int) -> str:
    return (EPOCH + timedelta(days=day)).strftime("%Y-%m-%d")


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --- the hand-off ------------------------------------------------------------------------------


def handoff(hit: Hit) -> Outcome:
    """Record the hit and answer where to send the visitor. Raises redis.RedisError when Redis
    is unreachable (the caller falls back to `record_without_redis`)."""
    salt = daily_salt(keys.client(), _day(hit.ts))
    hashed = ip_hash(salt, hit.ip)
    ts = f"{hit.ts:.6f}"
    args = [
        hit.click_id,
        f"{ts}|{hit.sub}|{hashed}|{hit.ua_class}|{hit.referrer_host}|"
        + ("1" if hit.is_bot else "0"),
        "1" if hit.is_bot else "0",
        hit.session_creator_ids,
        keys.setting("CLICKS_UNIQUE_WINDOW_SECONDS", UNIQUE_WINDOW),
        ts,
        keys.setting("CLICKS_UNIQUE_PER_IP", UNIQUE_PER_IP),
        hit.ua_class,
    ]
    script_keys = [keys.route_key(hit.code), keys.visits_key(hit.code, hashed), keys.STREAM]
    result = keys.run_script(_HANDOFF, script_keys, args)
    if result is None:  # not cached: load from PostgreSQL once, then hand off
        routes.route_cache_fill(hit.code, routes.route_load(hit.code))
        result = keys.run_script(_HANDOFF, script_keys, args)
    if not result or int(result[0]) != 1:
        return NOT_FOUND
    destination, title, asin = (v.decode() for v in result[1:4])
    return Outcome(True, destination, title, asin)


def _unique_in_postgresql(hit: Hit, route: dict[str, str], hashed: str, is_self: bool) -> bool:
    """The unique rule (see the top of this module) against the clicks in PostgreSQL."""
    from campaigns.models import ClickEvent
    from tenancy.scoping import tenant_scope

    if hit.is_bot or is_self:
        return False
    if not hashed:  # no salt reachable, so no IP hash to tell visitors apart by
        return True
    since = datetime.fromtimestamp(hit.ts, UTC) - timedelta(
        seconds=keys.setting("CLICKS_UNIQUE_WINDOW_SECONDS", UNIQUE_WINDOW)
    )
    with tenant_scope(int(route["org"])):
        recent = list(
            ClickEvent.objects.filter(
                link_id=int(route["link"]), ip_hash=hashed, is_unique=True, occurred_at__gt=since
            ).values_list("ua_class", flat=True)
        )
    return hit.ua_class not in recent and len(recent) < keys.setting(
        "CLICKS_UNIQUE_PER_IP", UNIQUE_PER_IP
    )


def record_without_redis(hit: Hit) -> Outcome:
    """Redis is down: look the route up in PostgreSQL and write the hit there directly."""
    route = routes.route_load(hit.code)
    if route is None or route["active"] != "1":
        return NOT_FOUND
    salt = cached_salt(_day(hit.ts))  # no salt reachable: keep no IP at all
    hashed = ip_hash(salt, hit.ip) if salt else ""
    is_self = is_own_click(hit.session_creator_ids, route["creator"])
    unique = _unique_in_postgresql(hit, route, hashed, is_self)
    clicks_write(
        [
            {
                "id": hit.click_id,
                "link": route["link"],
                "org": route["org"],
                "ts": f"{hit.ts:.6f}",
                "sub": hit.sub,
                "ip": hashed,
                "ua": hit.ua_class,
                "ref": hit.referrer_host,
                "u": "1" if unique else "0",
                "bot": "1" if hit.is_bot else "0",
                "self": "1" if is_self else "0",
            }
        ]
    )
    return Outcome(True, route["dest"], route["title"], route["asin"])
