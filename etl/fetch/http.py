"""HTTP for `pulse fetch`: one polite client (httpx) with the safety rails a scheduled puller needs.

Conditional requests (ETag / Last-Modified), a timeout, retries with exponential backoff on
network errors and 5xx/429, a delay between requests to one host, a size limit enforced while
streaming, a redirect limit with loop detection, and a content-type check against what the source
promised. Every failure is a FetchError whose message is one sentence naming the URL and what to check.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from importlib.metadata import version as pkg_version
from urllib.parse import urljoin, urlsplit

import httpx

USER_AGENT = f"Pulse/{pkg_version('pulse')} (industry statistics puller; +https://example.invalid/pulse)"
RETRY_STATUSES = {429, 500, 502, 503, 504}

# what a source may promise, and the content types / leading bytes that keep the promise
EXPECT_TYPES = {
    "html": ("text/html", "application/xhtml"),
    "pdf": ("application/pdf",),
    "xlsx": ("application/vnd.openxmlformats", "application/octet-stream", "application/vnd.ms-excel"),
    "csv": ("text/csv", "text/plain", "application/octet-stream", "application/csv"),
    "json": ("application/json", "text/json", "text/javascript", "text/plain"),
    "feed": ("application/rss", "application/atom", "application/xml", "text/xml", "text/plain"),
}
MAGIC = {"pdf": b"%PDF-", "xlsx": b"PK\x03\x04"}


class FetchError(Exception):
    """One URL could not be fetched; the message says which and what to check."""


@dataclass(frozen=True)
class Options:
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    host_delay: float = 1.0  # seconds between two requests to the same host
    max_bytes: int = 20_000_000
    max_redirects: int = 5


@dataclass(frozen=True)
class Response:
    url: str  # the final URL, after redirects
    status: int  # 200, or 304 when the validators still hold
    content: bytes
    content_type: str
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def charset(self) -> str | None:
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip('"').lower()
        return None


class Client:
    """A fetch session: one connection pool and the per-host clock."""

    def __init__(self, user_agent: str = USER_AGENT, sleep=time.sleep, clock=time.monotonic):
        self._http = httpx.Client(headers={"User-Agent": user_agent}, follow_redirects=False)
        self._last_at: dict[str, float] = {}
        self._sleep, self._clock = sleep, clock

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(self, url: str, opts: Options, expect: str = "any", etag: str | None = None,
            last_modified: str | None = None) -> Response:
        """GET with retries; 304 comes back as a Response (not_modified), every failure as FetchError."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for attempt in range(opts.retries + 1):
            try:
                response = self._follow(url, opts, headers)
            except _Retryable as exc:
                if attempt == opts.retries:
                    raise FetchError(f"{url}: {exc} after {attempt + 1} attempt(s); check that the site is up "
                                     "and the URL still exists.") from None
                self._sleep(opts.backoff * 2**attempt)
                continue
            _check_type(response, expect)
            return response
        raise AssertionError("unreachable")

    def _follow(self, url: str, opts: Options, headers: dict[str, str]) -> Response:
        seen = [url]
        while True:
            self._wait_for_host(url, opts.host_delay)
            try:
                with self._http.stream("GET", url, headers=headers, timeout=opts.timeout) as r:
                    if r.has_redirect_location:
                        url = self._next_hop(url, r, seen, opts)
                        continue
                    if r.status_code in RETRY_STATUSES:
                        raise _Retryable(f"the server answered {r.status_code}")
                    if r.status_code == 304:
                        return _response(url, r, b"")
                    if r.status_code != 200:
                        raise FetchError(f"{url}: the server answered {r.status_code} {r.reason_phrase}; "
                                         "check the URL in sources.toml.")
                    return _response(url, r, _read_limited(url, r, opts.max_bytes))
            except httpx.TimeoutException:
                raise _Retryable(f"no answer within {opts.timeout:g} s (timeout)") from None
            except httpx.TransportError as exc:
                raise _Retryable(f"cannot connect ({type(exc).__name__}: {exc})") from None

    def _next_hop(self, url: str, r: httpx.Response, seen: list[str], opts: Options) -> str:
        target = urljoin(url, r.headers.get("location", ""))
        if target in seen:
            raise FetchError(f"{seen[0]}: redirect loop ({' -> '.join([*seen, target])}); "
                             "check the URL in sources.toml (the site may need a login or cookies).")
        if len(seen) > opts.max_redirects:
            raise FetchError(f"{seen[0]}: more than {opts.max_redirects} redirects (last {target}); "
                             "check the URL or raise max_redirects.")
        seen.append(target)
        return target

    def _wait_for_host(self, url: str, delay: float) -> None:
        host = urlsplit(url).netloc
        last = self._last_at.get(host)
        if last is not None and delay > 0:
            wait = last + delay - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last_at[host] = self._clock()


class _Retryable(Exception):
    pass


def _read_limited(url: str, r: httpx.Response, max_bytes: int) -> bytes:
    declared = r.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"{url}: {int(declared):,} bytes is over the size limit ({max_bytes:,}); "
                         "check the link or raise max_bytes for this source.")
    chunks, size = [], 0
    for chunk in r.iter_bytes():
        size += len(chunk)
        if size > max_bytes:  # stop reading: an endless or huge answer never fills the memory
            raise FetchError(f"{url}: the answer passed the size limit ({max_bytes:,} bytes) and was "
                             "stopped; check the link or raise max_bytes for this source.")
        chunks.append(chunk)
    return b"".join(chunks)


def _response(url: str, r: httpx.Response, content: bytes) -> Response:
    return Response(url, r.status_code, content, r.headers.get("content-type", ""),
                    r.headers.get("etag"), r.headers.get("last-modified"))


def looks_like_html(content: bytes) -> bool:
    head = content[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def _check_type(response: Response, expect: str) -> None:
    if response.not_modified or expect == "any":
        return
    ctype = response.content_type.split(";")[0].strip().lower()
    magic = MAGIC.get(expect)
    if magic is not None:
        if response.content.startswith(magic):
            return
        got = "an HTML page" if looks_like_html(response.content) or ctype.startswith("text/html") \
            else f"'{ctype or 'no content type'}'"
        raise FetchError(f"{response.url}: answered {got} where a {expect.upper()} file was expected "
                         "(often an error or login page); check the link in the browser.")
    if ctype and not ctype.startswith(EXPECT_TYPES.get(expect, ())):
        raise FetchError(f"{response.url}: answered '{ctype}' where {expect} was expected; "
                         "check the URL and the source's kind in sources.toml.")
