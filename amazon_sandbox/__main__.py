"""CLI: ``python -m amazon_sandbox --port 8765``."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from .server import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_SEED,
    SandboxServer,
)


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m amazon_sandbox",
        description="Local stand-in for Login with Amazon, the Ads API and Amazon Attribution.",
    )
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--state",
        default=None,
        metavar="PATH.jsonl",
        help="JSON-lines file that keeps clicks/accounts across restarts",
    )
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run until SIGINT/SIGTERM; returns the exit code."""
    args = build_parser().parse_args(argv)
    server = SandboxServer(
        port=args.port,
        seed=args.seed,
        client_id=args.client_id,
        client_secret=args.client_secret,
        state_path=args.state,
        host=args.host,
        verbose=args.verbose,
    )
    done = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    server.start()
    print(f"Amazon sandbox listening on {server.url}", flush=True)
    while not done.wait(0.5):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
