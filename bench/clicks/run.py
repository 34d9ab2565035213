"""Benchmark: the click pipeline under sustained load. `/l/<code>` at full speed for 60 s
(gunicorn, loaded by wrk from 127.0.0.1) while the production worker shape flushes: a Celery
worker on the `clicks` queue with beat embedded (the flush every 5 s, as scheduled in
settings). Reports:

- the redirect's requests/s;
- the stream's backlog (entries not yet in PostgreSQL), sampled twice a second: its maximum,
  its maximum over the last 10 s of load, and how long it takes to drain once the load stops;
- the flush's clicks/s: clicks written per second of flush work (from the worker's task log:
  each run's count over its runtime), and over the wall clock of the whole run;
- exactly once: after the drain, the click events PostgreSQL gained equal the entries the
  redirect added to the stream, with no click id twice, the daily rollup grew by as many hits,
  and wrk's completed requests are all among them (at most one in-flight request per
  connection more, answered by the server after wrk stopped counting).

    .venv/bin/python -m scripts.dev exec -- .venv/bin/python bench/clicks/run.py

Options: --seconds 60 --connections 16 --workers 2 --drain-timeout 120. Needs `wrk`
(`apt-get install wrk`). Reuses bench/redirect's settings and fixture (organisation
`bench-redirect`, one link).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REDIRECT = ROOT / "bench" / "redirect"
BROWSER_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)
# "Task campaigns.clicks_flush[...] succeeded in 0.532s: 1234"
TASK_LINE = re.compile(r"Task campaigns\.clicks_flush\[[^\]]+\] succeeded in ([\d.]+)s: (\d+)")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "benchsettings"
    env["PYTHONPATH"] = os.pathsep.join([str(REDIRECT), str(ROOT), env.get("PYTHONPATH", "")])
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, timeout: float = 120) -> None:
    """Until a worker answers (the socket listens long before the workers have booted on a
    loaded machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/bench/bare-302")
            if conn.getresponse().status == 302:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _wrk(url: str, seconds: int, connections: int) -> tuple[int, float, int]:
    """(completed requests, requests/s, non-2xx/3xx)."""
    out = subprocess.run(
        [
            *("wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s"),
            *("-H", f"User-Agent: {BROWSER_UA}", url),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return total, rps, int(bad.group(1)) if bad else 0


def _setup() -> str:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=_env(),
        check=True,
    )
    out = subprocess.run(
        [sys.executable, str(REDIRECT / "fixture.py")],
        cwd=ROOT,
        env=_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def _django() -> None:
    os.environ.update({k: v for k, v in _env().items() if k == "DJANGO_SETTINGS_MODULE"})
    sys.path[:0] = [str(REDIRECT), str(ROOT)]
    import django

    django.setup()


def _counts() -> tuple[int, int, int]:
    """The bench organisation's (click events, distinct click ids, rollup hits)."""
    from django.db.models import Sum

    from campaigns.models import ClickEvent, LinkClickDaily
    from tenancy.models import Organization
    from tenancy.scoping import tenant_scope

    org = Organization.objects.get(slug="bench-redirect")
    with tenant_scope(org):
        events = ClickEvent.objects.count()
        distinct = ClickEvent.objects.values("click_id").distinct().count()
        hits = LinkClickDaily.objects.filter(sub_id="").aggregate(
            n=Sum("raw_hits") + Sum("bot_hits")
        )["n"]
    return events, distinct, hits or 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--drain-timeout", type=int, default=120)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        sys.exit(f"Run through: .venv/bin/python -m scripts.dev exec -- python {__file__}")
    if not shutil.which("wrk"):
        sys.exit("bench/clicks needs wrk (apt-get install wrk)")

    code = _setup()
    _django()
    from campaigns.clicks import flush, keys

    redis = keys.client()
    # Start from an empty stream (a previous run's leftovers flushed first, so counts add up).
    flush.clicks_flush(max_batches=10_000, max_seconds=600)
    redis.delete(keys.STREAM)
    for key in redis.scan_iter("clicks:seen:*"):
        redis.delete(key)
    before = _counts()

    tmp = Path(tempfile.mkdtemp(prefix="bench-clicks-"))
    worker_log = tmp / "worker.log"
    port = _free_port()
    gunicorn = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "benchwsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)),
            *("--worker-class", "sync", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=_env(),
    )
    with worker_log.open("w") as log_file:
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "config", "worker", "-B"),
                *("-Q", "clicks,celery", "--concurrency", "1", "-l", "info"),
                *("--schedule", str(tmp / "beat-schedule"), "--without-heartbeat"),
                *("--without-gossip", "--without-mingle"),
            ],
            cwd=ROOT,
            env=_env(),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    samples: list[tuple[float, int]] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append((time.monotonic(), int(redis.xlen(keys.STREAM))))
            stop.wait(0.5)

    url = f"http://127.0.0.1:{port}/l/{code}"
    try:
        _wait(port)
        _wrk(f"http://127.0.0.1:{port}/bench/bare-302", 3, 4)  # every worker booted and warm
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        began = time.monotonic()
        served, rps, bad = _wrk(url, args.seconds, args.connections)
        load_end = time.monotonic()
        drained_at = None
        while time.monotonic() < load_end + args.drain_timeout:
            if redis.xlen(keys.STREAM) == 0:
                drained_at = time.monotonic()
                break
            time.sleep(0.2)
        stop.set()
        sampler.join()
    finally:
        for process in (gunicorn, worker):
            process.terminate()
        for process in (gunicorn, worker):
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    stream = redis.xinfo_stream(keys.STREAM) if redis.exists(keys.STREAM) else {}
    added = int(stream.get("entries-added", 0))
    after = _counts()
    events, distinct, hits = (a - b for a, b in zip(after, before, strict=True))
    runs = [(float(s), int(n)) for s, n in TASK_LINE.findall(worker_log.read_text())]
    flushed = sum(n for _, n in runs)
    busy = sum(s for s, _ in runs)
    flush_rate = flushed / busy if busy else 0.0
    during = [n for t, n in samples if t <= load_end]
    last10 = [n for t, n in samples if load_end - 10 <= t <= load_end]
    peak, peak_last10 = max(during, default=0), max(last10, default=0)
    drain = (drained_at - load_end) if drained_at else float("inf")
    wall = (drained_at or time.monotonic()) - began
    # A bounded backlog: never more than two beat periods (5 s each) of traffic, plus one
    # flush run's worth, and no higher at the end of the load than over the whole run.
    bound = int(rps * 10) + flush.BATCH * flush.MAX_BATCHES

    print(
        f"\nclick pipeline benchmark: gunicorn {args.workers} sync workers, wrk "
        f"{args.connections} connections for {args.seconds}s; Celery worker (queue clicks, "
        f"concurrency 1) with beat flushing every 5 s"
    )
    print(f"  redirect    {rps:7.0f} req/s   ({served} served, non-302: {bad})")
    print(
        f"  backlog     peak {peak} entries ({peak / rps if rps else 0:.1f} s of traffic), "
        f"peak over the last 10 s {peak_last10}, bound {bound}; drained {drain:.1f} s after "
        f"the load stopped"
    )
    print(
        f"  flush       {flush_rate:7.0f} clicks/s while flushing ({flushed} in {len(runs)} "
        f"runs, {busy:.1f} s of work); {flushed / wall if wall else 0:.0f} clicks/s over the "
        f"{wall:.0f} s wall clock; {flush_rate / rps if rps else 0:.1f}x the redirect's rate"
    )
    print(
        f"  exactly once: stream entries added {added}, click events written {events}, "
        f"distinct click ids {distinct}, rollup hits {hits}; wrk completed {served} "
        f"(+ at most {args.connections} in flight)"
    )
    ok = (
        bad == 0
        and peak <= bound
        and peak_last10 <= max(peak, 1)
        and drained_at is not None
        and flush_rate >= rps
        and events == added == distinct == hits
        and served <= events <= served + args.connections
    )
    print("  PASS" if ok else "  FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
