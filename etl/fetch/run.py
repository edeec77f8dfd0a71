"""`pulse fetch`: pull every enabled source into inbox/<source>/ and record each URL in the journal.

A source that fails gives one line naming it and what to check; the other sources still run.
Links already saved are never asked for again; single files and index pages are asked for with
their last ETag / Last-Modified, and a 304 or identical bytes saves nothing.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from etl import journal
from etl.fetch.config import Source
from etl.fetch.http import Client, FetchError, Response, looks_like_html
from etl.fetch.json_table import to_long_csv
from etl.fetch.links import Link, feed_links, page_links
from etl.settings import Settings

DONE = ("saved", "unchanged")
SUFFIX_BY_TYPE = {"html": ".html", "pdf": ".pdf", "xlsx": ".xlsx", "csv": ".csv", "json": ".json"}


@dataclass
class SourceOutcome:
    source: str
    saved: list[Path] = field(default_factory=list)
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        state = f"{len(self.saved)} new file(s), {self.unchanged} unchanged"
        return f"{self.source}: {state}" + (f", {len(self.errors)} failed" if self.errors else "")


def run_fetch(settings: Settings, sources: list[Source], client: Client | None = None) -> list[SourceOutcome]:
    """Fetch each source in turn; errors are collected per source, never raised."""
    own = client is None
    client = client or Client()
    try:
        return [_fetch_source(settings, client, s) for s in sources]
    finally:
        if own:
            client.close()


def _fetch_source(settings: Settings, client: Client, source: Source) -> SourceOutcome:
    out = SourceOutcome(source.name)
    try:
        if source.kind in ("page_list", "feed"):
            _fetch_links(settings, client, source, out)
        else:
            _fetch_single(settings, client, source, out)
    except FetchError as exc:
        _record(settings, source, source.url, "failed", error=str(exc))
        out.errors.append(f"source '{source.name}': {exc}")
    return out


def _fetch_links(settings: Settings, client: Client, source: Source, out: SourceOutcome) -> None:
    expect = "feed" if source.kind == "feed" else "html"
    index = client.get(source.url, source.options, expect, **_validators(settings, source.url))
    if index.not_modified:
        _record(settings, source, source.url, "unchanged", index)
        return
    links = feed_links(index) if source.kind == "feed" else page_links(index, source.link_pattern)
    _record(settings, source, source.url, "listed", index, bytes=len(index.content))
    done = _fetched_urls(settings, [link.url for link in links])
    new = [link for link in links if link.url not in done][: source.max_links]
    for link in new:
        try:
            response = client.get(link.url, source.options, source.expect)
            _save(settings, source, response, out, link=link, page_url=source.url)
        except FetchError as exc:
            _record(settings, source, link.url, "failed", error=str(exc), link=link, page_url=source.url)
            out.errors.append(f"source '{source.name}': {exc}")


def _fetch_single(settings: Settings, client: Client, source: Source, out: SourceOutcome) -> None:
    expect = "json" if source.kind == "json_table" else source.expect
    response = client.get(source.url, source.options, expect, **_validators(settings, source.url))
    if response.not_modified:
        _record(settings, source, source.url, "unchanged", response)
        out.unchanged += 1
        return
    if source.kind == "json_table":
        content, _rows = to_long_csv(response.content, source.mapping, source.url, source.name)
        response = Response(response.url, response.status, content, "text/csv", response.etag,
                            response.last_modified)
    _save(settings, source, response, out, versioned=True)


def _validators(settings: Settings, url: str) -> dict[str, str | None]:
    rows = journal.recent(settings.db, "fetches", 1, "url = ? AND status IN ('saved','unchanged','listed') "
                          "AND (etag IS NOT NULL OR last_modified IS NOT NULL)", (url,))
    return {"etag": rows[0]["etag"], "last_modified": rows[0]["last_modified"]} if rows else {}


def _fetched_urls(settings: Settings, urls: list[str]) -> set[str]:
    """Which of `urls` were saved before (one journal read for the whole index page)."""
    if not urls:
        return set()
    marks = ",".join("?" for _ in urls)
    rows = journal.recent(settings.db, "fetches", 10**9,
                          f"status IN ('saved','unchanged') AND url IN ({marks})", tuple(urls))
    return {r["url"] for r in rows}


def _save(settings: Settings, source: Source, response: Response, out: SourceOutcome, link: Link | None = None,
          page_url: str | None = None, versioned: bool = False) -> None:
    digest = hashlib.sha256(response.content).hexdigest()
    if journal.recent(settings.db, "fetches", 1, "source = ? AND sha256 = ? AND status = 'saved'",
                      (source.name, digest)):
        _record(settings, source, response.url, "unchanged", response, sha256=digest, link=link, page_url=page_url)
        out.unchanged += 1
        return
    folder = settings.inbox / source.name
    target = _target_name(folder, source, response, digest, versioned)
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f".{target.name}.part"  # hidden: `pulse load` never reads a half-written file
    part.write_bytes(response.content)
    os.replace(part, target)
    _record(settings, source, response.url, "saved", response, bytes=len(response.content), sha256=digest,
            saved_to=str(target), link=link, page_url=page_url)
    out.saved.append(target)


def _target_name(folder: Path, source: Source, response: Response, digest: str, versioned: bool) -> Path:
    name = source.file_name or PurePosixPath(unquote(urlsplit(response.url).path)).name or "index"
    name = re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", name).strip("._") or "download"
    stem, suffix = os.path.splitext(name)
    if not suffix or suffix.lower() not in (".html", ".htm", ".pdf", ".xlsx", ".xls", ".csv", ".txt", ".json"):
        stem, suffix = name, _suffix_for(response)
    if source.kind == "json_table":
        suffix = ".csv"  # a json_table's answer is saved as the long table made from it
    target = folder / f"{stem}{suffix}"
    if versioned or target.exists():
        target = folder / f"{stem}-{digest[:10]}{suffix}"
    return target


def _suffix_for(response: Response) -> str:
    ctype = response.content_type.split(";")[0].strip().lower()
    if looks_like_html(response.content) or ctype.startswith("text/html"):
        return ".html"
    if response.content.startswith(b"%PDF-"):
        return ".pdf"
    return mimetypes.guess_extension(ctype) or ".bin"


def _record(settings: Settings, source: Source, url: str, status: str, response: Response | None = None,
            link: Link | None = None, page_url: str | None = None, **fields) -> None:
    journal.record(
        settings.db, "fetches", source=source.name, url=url, status=status,
        http_status=response.status if response else None,
        etag=response.etag if response else None, last_modified=response.last_modified if response else None,
        title=link.title if link else None,
        published=link.published.isoformat() if link and link.published else None,
        page_url=page_url, publisher=source.publisher, **fields,
    )
