"""Uploads into the inbox and a load run from the app (the pipeline called as a library)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

from etl.settings import PROJECT_ROOT, Settings

log = logging.getLogger("pulse.dashboard")

UPLOAD_TYPES = ("txt", "md", "html", "htm", "pdf", "csv", "xlsx", "xls", "json", "jsonl", "log", "parquet")
UPLOADS = "uploads"
DICTIONARY = PROJECT_ROOT / "docs" / "data-dictionary.md"


def safe_name(name: str) -> str:
    """A file name without directories or characters that could escape the inbox."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", base).lstrip(".")
    return base or "upload"


def unique_target(folder: Path, name: str, content: bytes) -> Path:
    """<folder>/<name>, or <stem>-2<suffix>, -3 … when a different file (another upload of this
    batch, or an earlier one) has that name: "a b.csv" and "a_b.csv" both become a_b.csv once made
    safe. The same content under the same name reuses its file."""
    base = Path(name)
    for n in range(1, 10_000):
        target = folder / (name if n == 1 else f"{base.stem}-{n}{base.suffix}")
        if not target.exists() or target.read_bytes() == content:
            return target
    raise OSError(f"too many uploads named {name}")


def save_uploads(settings: Settings, files: list[tuple[str, bytes]]) -> list[Path]:
    """Write uploaded files to <inbox>/uploads/ (atomically: a temporary name, then rename)."""
    folder = settings.inbox / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    for name, content in files:
        target = unique_target(folder, safe_name(name), content)
        partial = target.with_name(f".{target.name}.part")
        partial.write_bytes(content)
        partial.replace(target)
        saved.append(target)
    return saved


def run(settings: Settings, progress: Callable[[str, int, int], None]):
    """One load of the inbox, publishing a new warehouse version (etl.pipeline.run_load)."""
    from etl.pipeline import run_load

    return run_load(settings, progress=progress)


def summary(result, lang: str) -> str:
    loaded, skipped, rejected = result.count("loaded"), result.count("skipped"), result.count("rejected")
    version = result.published_version
    if lang == "en":
        text = f"{loaded} file(s) loaded ({result.rows:,} rows), {skipped} skipped, {rejected} rejected"
        return text + (f"; published warehouse version {version}." if version else "; nothing new to publish.")
    text = f"已加载 {loaded} 个文件({result.rows:,} 行),跳过 {skipped} 个,拒绝 {rejected} 个"
    return text + (f";已发布数据仓库版本 {version}。" if version else ";没有新数据需要发布。")


def outcomes(result) -> list[dict]:
    return [{"file": f.path.name, "status": f.status, "kind": f.kind, "rows": f.rows,
             "rows_rejected": f.rows_rejected, "error": f.error or f.notice or ""} for f in result.files]


def notices(result) -> list[str]:
    """What the scan skipped and why, and files skipped for now (still being written, no text)."""
    return list(result.notices) + [f.notice for f in result.files if f.notice]


def data_dictionary() -> str | None:
    try:
        return DICTIONARY.read_text(encoding="utf-8")
    except OSError:
        return None
