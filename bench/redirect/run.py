"""Benchmark: /l/<code> (with the click hand-off to Redis) against a bare Django view that
answers a constant 302, both served by one gunicorn with identical settings, loaded from
127.0.0.1 only, for a few seconds each. Reports requests/s, the ratio, p50 and p99.

    .venv/bin/python -m scripts.dev exec -- .venv/bin/python bench/redirect/run.py

Options: --seconds 3 --rounds 7 --connections 16 --workers 4 (the production image's gunicorn
workers, Dockerfile; runs alternate, so background load hits both alike; the ratio is the
median of the rounds' ratios). Uses `wrk` when installed (`apt-get install wrk`), else a
bounded Python client. The target is >= 85 % of the bare view's requests/s (issue 16).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BROWSER_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)
TARGET_RATIO = 0.85


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_302: int
    server_cpu_us: float = 0.0  # gunicorn workers + Redis CPU per request


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "benchsettings"
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(ROOT), env.get("PYTHONPATH", "")])
    return env


def _setup() -> str:
    """Migrate, then one organisation with a store, plan, campaign, creator and link (reused
    on later runs); publish its route. Returns the link's code."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=_env(),
        check=True,
    )
    code = (
        subprocess.run(
            [sys.executable, str(HERE / "fixture.py")],
            cwd=ROOT,
            env=_env(),
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return code


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _redis_pid() -> int:
    import redis

    return int(redis.Redis.from_url(os.environ["REDIS_URL"]).info("server")["process_id"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, timeout: float = 120) -> None:
    """Until a worker answers: the socket listens long before the workers have booted on a
    loaded machine (a round measured before then served nothing)."""
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


def _wrk(url: str, seconds: int, connections: int) -> Result:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "5s",
            "-H",
            f"User-Agent: {BROWSER_UA}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            raise RuntimeError(f"wrk output without {label}:\n{out}")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Result(rps, ms("50%"), ms("99%"), total, int(bad.group(1)) if bad else 0)


def _python_client(url: str, seconds: int, connections: int) -> Result:
    """Fallback when wrk is missing: threads with one connection each, bounded in time."""
    host_port, path = url.split("//", 1)[1].split("/", 1)
    host, port = host_port.split(":")
    latencies: list[float] = []
    non_302 = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop:
            conn = http.client.HTTPConnection(host, int(port), timeout=5)
            start = time.perf_counter()
            conn.request("GET", "/" + path, headers={"User-Agent": BROWSER_UA})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            bad += response.status != 302
            conn.close()
        with lock:
            latencies.extend(mine)
            non_302[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    return Result(len(latencies) / elapsed, q[49] * 1000, q[98] * 1000, len(latencies), non_302[0])


def _clicks_in_stream() -> int:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from campaigns.clicks.flush import clicks_pending; "
            "print(clicks_pending())",
        ],
        cwd=ROOT,
        env=_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def _reset_stream() -> None:
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from campaigns.clicks import keys; "
            "c = keys.client(); c.delete(keys.STREAM); "
            "[c.delete(k) for k in c.scan_iter('clicks:seen:*')]",
        ],
        cwd=ROOT,
        env=_env(),
        check=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        sys.exit(
            "Run through: .venv/bin/python -m scripts.dev exec -- .venv/bin/python " + __file__
        )

    code = _setup()
    _reset_stream()
    port = _free_port()
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "benchwsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=_env(),
    )
    load = _wrk if shutil.which("wrk") else _python_client
    client = "wrk" if load is _wrk else "python client"
    base = f"http://127.0.0.1:{port}"
    urls = {"bare 302": f"{base}/bench/bare-302", "redirect": f"{base}/l/{code}"}
    results: dict[str, list[Result]] = {name: [] for name in urls}
    try:
        _wait(port)
        for url in urls.values():  # warm up both (imports, connections, route cache)
            load(url, 3, 4)
        server = [*_children(gunicorn.pid), _redis_pid()]
        # Alternate short runs, so a change in background load hits both alike.
        for _ in range(args.rounds):
            for name, url in urls.items():
                before = _cpu_seconds(server)
                result = load(url, args.seconds, args.connections)
                result.server_cpu_us = (_cpu_seconds(server) - before) * 1e6 / result.requests
                results[name].append(result)
    finally:
        gunicorn.terminate()
        gunicorn.wait(15)

    handed_off = _clicks_in_stream()
    sent = sum(r.requests for r in results["redirect"])
    _reset_stream()

    def median(values: list[float]) -> float:
        return statistics.median(values)

    ratios = [r.rps / b.rps for b, r in zip(results["bare 302"], results["redirect"], strict=True)]
    ratio = median(ratios)
    print(
        f"\nredirect benchmark: gunicorn {args.workers} sync workers, {client}, "
        f"{args.connections} connections, {args.rounds} alternating rounds of {args.seconds}s "
        f"(medians)"
    )
    for label, name in (("bare 302", "bare 302"), ("/l/<code>", "redirect")):
        runs = results[name]
        print(
            f"  {label:<10} {median([r.rps for r in runs]):7.0f} req/s   "
            f"p50 {median([r.p50_ms for r in runs]):5.2f} ms   "
            f"p99 {median([r.p99_ms for r in runs]):5.2f} ms   "
            f"server CPU {median([r.server_cpu_us for r in runs]):4.0f} us/request   "
            f"non-302: {sum(r.non_302 for r in runs)}"
        )
    print(
        f"  ratio      {ratio:7.0%} of the bare view's req/s (rounds: "
        + ", ".join(f"{x:.0%}" for x in ratios)
        + f"; target >= {TARGET_RATIO:.0%})"
    )
    cpu = median([r.server_cpu_us for r in results["bare 302"]]) / median(
        [r.server_cpu_us for r in results["redirect"]]
    )
    print(
        f"  CPU        {cpu:7.0%}: the bare view's server CPU per request over the redirect's "
        "(gunicorn and Redis; steadier than req/s when other load shares the machine)"
    )
    print(
        f"  clicks handed off to the Redis stream: {handed_off} "
        f"(redirects served: {sent} + warm-up)"
    )
    ok = (
        ratio >= TARGET_RATIO
        and all(r.non_302 == 0 for r in results["redirect"])
        and (handed_off >= sent)
    )
    print("  PASS" if ok else "  FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
