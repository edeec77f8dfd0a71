"""Stage 1, scan: the inbox -> the files to load, and the files skipped with the reason why.

One rule for links everywhere: a symbolic link (to a file or a folder) is followed when its target
is inside the inbox and skipped, with a notice, when it leaves it. Skipped too, each with a notice:
names matching settings.ignore, and the warehouse's own files when the inbox holds the warehouse
folder (the database, its staging/wal/lock files, the journal, the log, telemetry/). Files whose
size or mtime changes during settings.settle_seconds are still being written: skipped, loaded
next time.
"""

from __future__ import annotations

import fnmatch
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from etl.errors import PulseError
from etl.settings import Settings


@dataclass
class Scan:
    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # (path, one-line notice)
    signatures: dict[Path, tuple[int, int] | None] = field(default_factory=dict)  # size, mtime at scan


def warehouse_own_paths(settings: Settings) -> set[Path]:
    """Files and folders the loader itself writes beside the warehouse: never inputs."""
    db = settings.db
    names = [db.name + s for s in ("", ".staging", ".staging.wal", ".wal", ".lock")]
    names += ["journal.sqlite", "journal.sqlite-wal", "journal.sqlite-shm", "pulse.log", "telemetry"]
    return {_resolved(db.with_name(n)) for n in names} | {_resolved(settings.quarantine)}


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _ignored(name: str, patterns: tuple[str, ...]) -> str | None:
    return next((p for p in patterns if fnmatch.fnmatch(name, p)), None)


def scan_inbox(inbox: Path, settings: Settings) -> Scan:
    if not inbox.is_dir():
        raise PulseError(f"inbox {inbox} is not a folder; create it or pass --inbox.", exit_code=2)
    root = _resolved(inbox)
    scan = Scan()
    _walk(inbox, root, settings, warehouse_own_paths(settings), (root,), scan)
    scan.files.sort()
    return _settled(scan, settings.settle_seconds)


def _walk(folder: Path, root: Path, settings: Settings, own: set[Path], chain: tuple[Path, ...], scan: Scan) -> None:
    """Depth first; `chain` holds the resolved folders above, so a link back up is not walked again."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        scan.skipped.append((folder, f"{folder}: cannot be listed ({exc.strerror}); check its permissions."))
        return
    for entry in entries:
        path = Path(entry.path)
        pattern = _ignored(entry.name, settings.ignore)
        if pattern:
            scan.skipped.append((path, f"{path.name}: skipped, its name matches the ignore pattern '{pattern}'."))
            continue
        target = _resolved(path)
        if target in own:
            continue  # the warehouse's own files, when the inbox holds the warehouse folder
        if entry.is_symlink() and not target.is_relative_to(root):
            scan.skipped.append((path, f"{path.name}: skipped, a link to {target}, outside the inbox; "
                                       "copy the file into the inbox to load it."))
            continue
        if target.is_dir():
            if target not in chain:  # a link to a folder above would loop
                _walk(path, root, settings, own, (*chain, target), scan)
        elif target.is_file():
            scan.files.append(path)


def _settled(scan: Scan, settle_s: float) -> Scan:
    """Wait until every file is settle_s old (once, for all), then skip those that changed."""
    before = scan.signatures = {p: signature(p) for p in scan.files}
    if settle_s <= 0 or not scan.files:
        return scan
    youngest = max((sig[1] for sig in before.values() if sig), default=0) / 1e9
    wait = youngest + settle_s - time.time()
    if wait > 0:
        time.sleep(min(wait, settle_s))
    kept = []
    for path in scan.files:
        if signature(path) != before[path]:
            scan.skipped.append((path, still_growing(path)))
        else:
            kept.append(path)
    scan.files = kept
    scan.signatures = {p: signature(p) for p in kept}
    return scan


def signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def still_growing(path: Path) -> str:
    return f"{path.name}: skipped, it is still being written (its size or time changed); it loads next time."
