"""Telemetry parts on disk against the parts the warehouse lists (`telemetry_parts`).

Run under the writer lock. `adopt` lists the parts a warehouse made before the listing existed;
`remove_orphans` deletes what no published warehouse lists: parts of a load killed before its
publish, half-written `.tmp` parts, and leftover spill/staging folders.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

log = logging.getLogger("pulse.load")


def _on_disk(warehouse_dir: Path) -> list[Path]:
    root = warehouse_dir / "telemetry"
    return sorted(p for p in root.glob("*/plant=*/date=*/*") if p.is_file()) if root.is_dir() else []


def adopt(con: duckdb.DuckDBPyConnection, warehouse_dir: Path) -> int:
    """List the parts of a warehouse from before `telemetry_parts` (they were all published)."""
    rows = []
    for part in _on_disk(warehouse_dir):
        if part.suffix != ".parquet":
            continue
        kind, plant, day = part.parts[-4], part.parts[-3].split("=", 1)[1], part.parts[-2].split("=", 1)[1]
        meta = pq.read_metadata(part)
        doc = pq.read_table(part, columns=["document_id"]).column(0)[0].as_py() if meta.num_rows else ""
        rows.append((str(part.relative_to(warehouse_dir)), kind, plant, day, meta.num_rows, doc, "adopted"))
    if rows:
        con.executemany("INSERT INTO telemetry_parts VALUES (?, ?, ?, CAST(? AS DATE), ?, ?, ?)", rows)
    return len(rows)


def remove_orphans(con: duckdb.DuckDBPyConnection, warehouse_dir: Path) -> int:
    """Delete files under telemetry/ that the (published) warehouse in `con` does not list."""
    listed = {r[0] for r in con.execute("SELECT path FROM telemetry_parts").fetchall()}
    removed = 0
    for part in _on_disk(warehouse_dir):
        if str(part.relative_to(warehouse_dir)) not in listed:
            part.unlink(missing_ok=True)
            removed += 1
    root = warehouse_dir / "telemetry"
    for leftover in (root / ".staging", root / ".spill"):
        shutil.rmtree(leftover, ignore_errors=True)
    for folder in sorted((p for depth in ("*/*/*", "*/*") for p in root.glob(depth) if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):  # date=… folders first (deeper paths sort after their parents)
            folder.rmdir()
    if removed:
        log.info("removed %d telemetry part(s) no published warehouse lists", removed)
    return removed


def remove(warehouse_dir: Path, paths: list[str]) -> None:
    """Take a failed file's parts back out (they are unlisted; the next load would remove them too)."""
    for rel in paths:
        (warehouse_dir / rel).unlink(missing_ok=True)
