"""Pulling sources into the inbox (`pulse fetch`): sources.toml -> HTTP -> inbox/<source>/ + journal.

    load_sources(path) -> (sources, error lines)     # etl.fetch.config
    run_fetch(settings, sources) -> [SourceOutcome]   # etl.fetch.run
    provenance_for(db, sha256) -> dict | None         # for the loader: where a fetched file came from
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from etl import journal


def provenance_for(db: Path, sha256: str) -> dict[str, Any] | None:
    """Page URL, link title, publication date and publisher of the file saved with this sha256, or
    None for a file that `pulse fetch` did not bring (uploaded or copied into the inbox)."""
    rows = journal.recent(db, "fetches", 1, "sha256 = ? AND status = 'saved'", (sha256,))
    if not rows:
        return None
    row = rows[0]
    return {"source_url": row["url"], "title": row["title"], "published": row["published"],
            "publisher": row["publisher"], "page_url": row["page_url"], "source": row["source"]}


def apply_provenance(extracted: Any, db: Path, sha256: str, file_stem: str) -> None:
    """Fill what the file itself did not say (title, date, publisher, URL) from its fetch record."""
    from datetime import date

    found = provenance_for(db, sha256)
    if found is None:
        return
    if found["title"] and extracted.title in ("", file_stem):
        extracted.title = found["title"]
    if found["published"] and extracted.published is None:
        extracted.published = date.fromisoformat(found["published"])
    extracted.publisher = extracted.publisher or found["publisher"]
    extracted.source_url = extracted.source_url or found["source_url"]
