"""Stage after publish: move rejected files out of the inbox, never deleting them, each with a reason.

Never crashes: a name too long for the file system is shortened (its start, a hash, its suffix),
the original name is kept in the reason file, and the reason is one line whatever the name holds.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

REASON_SUFFIX = ".reason.txt"
MAX_NAME_BYTES = 255


def one_line(text: str) -> str:
    """Newlines and other control characters (e.g. in a file name) become visible escapes."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def safe_name(name: str) -> str:
    """`name` when it and its reason file fit the file system's limit, else a shortened unique form."""
    limit = min(MAX_NAME_BYTES, _name_max()) - len(REASON_SUFFIX)
    if len(name.encode("utf-8", "surrogateescape")) <= limit and name.isprintable():
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    suffix = Path(name).suffix if len(Path(name).suffix) <= 16 else ""
    keep = limit - len(digest) - len(suffix) - 1
    stem = "".join(ch if ch.isprintable() else "_" for ch in name)
    stem = stem.encode("utf-8", "surrogateescape")[:keep].decode("utf-8", "ignore")
    return f"{stem}-{digest}{suffix}"


def _name_max() -> int:
    try:
        return os.pathconf("/", "PC_NAME_MAX")
    except (OSError, ValueError):
        return MAX_NAME_BYTES


def target_of(path: Path, inbox: Path, load_id: str) -> Path:
    """quarantine-relative target: <load_id>/<path relative to the inbox>, every part made safe."""
    try:
        rel = path.relative_to(inbox)
    except ValueError:
        rel = Path(path.name)
    return Path(load_id, *(safe_name(part) for part in rel.parts))


def quarantine_file(path: Path, target: Path, error: str, load_id: str) -> Path:
    """Move `path` to `target` with a one-line reason beside it; returns where the file now is."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), target)
    original = f"original name: {one_line(path.name)}\n" if target.name != path.name else ""
    target.with_name(target.name + REASON_SUFFIX).write_text(
        f"{one_line(error)}\n{original}load {load_id}; fix the file and put it back in the inbox.\n",
        encoding="utf-8",
    )
    return target
