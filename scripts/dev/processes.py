"""Child processes side by side: their output prefixed, Ctrl-C (or one exiting) stops them all."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from scripts.dev import (
    PYTHON,
    ROOT,
    log,
)

# --- Processes ---------------------------------------------------------------------------------


def _pump(name: str, stream, width: int) -> None:  # type: ignore[no-untyped-def]
    for line in iter(stream.readline, b""):
        sys.stdout.write(f"{name:<{width}} | {line.decode(errors='replace')}")
        sys.stdout.flush()


def supervise(commands: dict[str, list[str]], env: dict[str, str]) -> int:
    """Run the commands side by side; Ctrl-C (or one exiting) stops them all."""
    width = max(len(n) for n in commands)
    procs: dict[str, subprocess.Popen] = {}
    for name, cmd in commands.items():
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        procs[name] = proc
        threading.Thread(target=_pump, args=(name, proc.stdout, width), daemon=True).start()

    stopping = threading.Event()

    def stop(*_: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping.is_set():
        for name, proc in procs.items():
            if proc.poll() is not None:
                log(f"{name} exited with {proc.returncode}; stopping everything")
                exit_code = proc.returncode or 1
                stopping.set()
                break
        stopping.wait(0.5)

    log("stopping " + ", ".join(procs))
    for proc in procs.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in procs.values():
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    log("all processes stopped")
    return exit_code


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _wait_for_port(port: int | None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while port and time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
