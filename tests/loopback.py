"""Real HTTP servers on loopback for the fetch and delivery tests (a free port, stopped by the fixture).

`Site` serves routes the test declares: static pages with ETag / Last-Modified (answering 304 when
the validators match), redirects, failures N times, slow answers, oversize streams; it records every
request (path, headers, body) so a test can check what was asked for and what was posted.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    """A port nobody listens on now, for a server a test starts (the one copy for every suite)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Route:
    body: bytes = b""
    ctype: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None
    fail_times: int = 0  # answer 500 this many times first
    delay: float = 0.0  # seconds before answering
    stream: int = 0  # bytes sent chunked, without a Content-Length
    handler: Callable[[bytes], tuple[int, bytes]] | None = None  # POST receiver


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Site:
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    base: str = ""

    def add(self, path: str, body: bytes | str = b"", **kw) -> Route:
        route = Route(body=body.encode("utf-8") if isinstance(body, str) else body, **kw)
        self.routes[path] = route
        return route

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = 1 << 16  # headers and body in one write: no Nagle / delayed-ACK stall per request

        def log_message(self, *args) -> None:  # keep test output clean
            pass

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            site.requests.append(Request(method, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            route = site.routes.get(self.path) or site.routes.get(self.path.split("?")[0])
            if route is None:
                return self._send(404, b"not found", "text/plain")
            if route.delay:
                time.sleep(route.delay)
            if route.handler is not None:
                status, payload = route.handler(body)
                return self._send(status, payload, "application/json")
            if route.fail_times > 0:
                route.fail_times -= 1
                return self._send(500, b"<html>server error</html>", "text/html")
            if route.location:
                return self._send(route.status or 302, b"", "text/html", {"Location": route.location})
            if route.etag and self.headers.get("If-None-Match") == route.etag or \
                    route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified:
                return self._send(304, b"", None, self._validators(route))
            if route.stream:
                return self._stream(route)
            self._send(route.status, route.body, route.ctype, self._validators(route))

        def _validators(self, route: Route) -> dict[str, str]:
            found = {"ETag": route.etag, "Last-Modified": route.last_modified}
            return {k: v for k, v in found.items() if v}

        def _send(self, status: int, body: bytes, ctype: str | None, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def _stream(self, route: Route) -> None:
            self.send_response(200)
            self.send_header("Content-Type", route.ctype)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"x" * 4096
            try:
                for _ in range(route.stream // len(chunk)):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading at its size limit: that is the point
            self.close_connection = True

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._serve("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._serve("POST")

    return Handler


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
