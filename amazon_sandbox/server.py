"""HTTP routing and the embeddable :class:`SandboxServer`."""

from __future__ import annotations

import re
import sys
import threading
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from . import ads, control, lwa, masking
from .faults import TOKEN_PATH
from .shoppers import LiveShoppers
from .state import SandboxState
from .web import HttpError, Request, Response, lwa_error, maas_error

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_SEED = 42
DEFAULT_CLIENT_ID = "amzn1.application-oa2-client.sandbox"
DEFAULT_CLIENT_SECRET = "sandbox-secret"
MAX_BODY = 4 * 1024 * 1024

Handler = Callable[[SandboxState, Request, re.Match[str]], Response]
_REGION_RE = re.compile(r"^/(na|eu|fe)(/.*)$")
ROUTES: tuple[tuple[tuple[str, ...], re.Pattern[str], Handler], ...] = tuple(
    (methods, re.compile(pattern), handler)
    for methods, pattern, handler in (
        (("GET",), r"^/$", control.index),
        (("GET",), r"^/ap/oa$", lwa.consent_page),
        (("POST",), r"^/ap/oa/decision$", lwa.consent_decision),
        (("POST",), r"^/auth/o2/token$", lwa.token),
        (("GET",), r"^/v2/profiles$", ads.profiles),
        (("GET",), r"^/attribution/advertisers$", ads.advertisers),
        (("GET",), r"^/attribution/publishers$", ads.publishers),
        (("GET",), r"^/attribution/tags/nonMacroTemplateTag$", ads.nonmacro_tags),
        (("GET",), r"^/attribution/tags/macroTag$", ads.macro_tags),
        (("POST",), r"^/attribution/report$", ads.report),
        (("POST",), r"^/product/metadata$", ads.product_metadata),
        (("POST",), r"^/sandbox/catalog$", control.catalog),
        (("GET", "HEAD"), r"^/images/I/(?P<asin>[A-Za-z0-9]{10})\.svg$", control.product_image),
        (("GET",), r"^/sandbox/state$", control.get_state),
        (("GET",), r"^/sandbox/clock$", control.get_clock),
        (("POST",), r"^/sandbox/clock$", control.set_clock),
        (("POST",), r"^/sandbox/faults$", control.set_faults),
        (("POST",), r"^/sandbox/reset$", control.reset),
        (("POST",), r"^/sandbox/traffic$", control.traffic),
        (("POST",), r"^/sandbox/shoppers/history$", control.shoppers_history),
        (("GET",), r"^/sandbox/shoppers$", control.shoppers_state),
        (("POST",), r"^/sandbox/shoppers$", control.shoppers_live),
        (("POST",), r"^/sandbox/masked_history$", masking.post_masked_history),
        (("POST",), r"^/sandbox/unmask$", masking.post_unmask),
        (("GET", "HEAD"), r"^/(?:[^?]+/)?dp/(?P<asin>[^/]+)/?$", control.product_page),
        (("GET", "HEAD"), r"^/stores/(?:[^/]+/)?page/(?P<store>[^/]+)/?$", control.store_page),
    )
)


def _api_path(raw: str) -> str:
    """The request's path without any region prefix (``/na/v2/profiles`` -> ``/v2/profiles``)."""
    path = urlsplit(raw).path or "/"
    match = _REGION_RE.match(path)
    return match.group(2) if match else path


def _fault_eligible(path: str) -> bool:
    return path.startswith(("/v2/", "/attribution/", "/product/")) or path == TOKEN_PATH


class _Handler(BaseHTTPRequestHandler):
    server_version = "AmazonSandbox/1.0"
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _read_request(self) -> Request:
        parts = urlsplit(self.path)
        path, region = parts.path or "/", None
        match = _REGION_RE.match(path)
        if match:
            region, path = match.group(1).upper(), match.group(2)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            raise HttpError(maas_error(413 if length > 0 else 400, "Bad request body length"))
        body = self.rfile.read(length) if length > 0 else b""
        query = parse_qs(parts.query, keep_blank_values=True)
        return Request(self.command, path, query, self.headers, body, region)

    def _handle(self) -> None:
        state = self.server.state
        try:
            req = self._read_request()
            response = self._dispatch(state, req)
        except HttpError as exc:
            response = exc.response
        except Exception:
            traceback.print_exc(file=sys.stderr)
            response = maas_error(500, "Internal sandbox error")
        self._write(state.faults.edges.restyle(_api_path(self.path), response))

    def _dispatch(self, state: SandboxState, req: Request) -> Response:
        with state.lock:
            state.requests[req.path] += 1
        if _fault_eligible(req.path):
            action = state.faults.take(req.path)
            if action.delay:
                self.server.stopping.wait(action.delay)
            if action.status:
                return _fault_response(req.path, action.status, action.retry_after)
        allowed: list[str] = []
        for methods, pattern, handler in ROUTES:
            match = pattern.match(req.path)
            if match is None:
                continue
            if req.method not in methods:
                allowed.extend(methods)
                continue
            with state.lock:
                try:
                    return handler(state, req, match)
                except HttpError as exc:
                    return exc.response
        if allowed:
            return maas_error(
                405, f"Method {req.method} not allowed", {"Allow": ", ".join(allowed)}
            )
        return maas_error(404, f"No such resource: {req.path}")

    def _write(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def _fault_response(path: str, status: int, retry_after: float | int | None) -> Response:
    if path == TOKEN_PATH:
        error = "TooManyRequests" if status == 429 else "ServerError"
        response = lwa_error(status, error, "Sandbox injected failure")
    elif status == 429:
        response = maas_error(429, "Too Many Requests")
    else:
        response = maas_error(status, "Sandbox injected failure")
    if status == 429 and retry_after is not None:
        seconds = float(retry_after)
        response.headers["Retry-After"] = (
            str(int(seconds)) if seconds.is_integer() else str(seconds)
        )
    return response


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], state: SandboxState, verbose: bool) -> None:
        self.state = state
        self.verbose = verbose
        self.stopping = threading.Event()
        super().__init__(address, _Handler)


class SandboxServer:
    """The Amazon sandbox, runnable in a background thread (tests) or from the CLI."""

    def __init__(
        self,
        port: int = 0,
        seed: int = DEFAULT_SEED,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        state_path: str | Path | None = None,
        host: str = DEFAULT_HOST,
        verbose: bool = False,
    ) -> None:
        self.state = SandboxState(seed, client_id, client_secret, state_path)
        self._httpd = _Server((host, port), self.state, verbose)
        self.state.shoppers = LiveShoppers(self.url, seed)
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        """Bound host."""
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        """Bound port (resolved when 0 was requested)."""
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:8765``."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        """Serve in a daemon thread."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="amazon-sandbox",
                daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until :meth:`stop` is called from elsewhere."""
        self._httpd.serve_forever(poll_interval=0.05)

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.stopping.set()
        if self.state.shoppers is not None:
            self.state.shoppers.shutdown()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def reset(self, clicks: bool = True, counters: bool = True, everything: bool = True) -> None:
        """Clear faults and (by default) everything else, like ``POST /sandbox/reset``."""
        with self.state.lock:
            self.state.reset(clicks=clicks, counters=counters, everything=everything)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
