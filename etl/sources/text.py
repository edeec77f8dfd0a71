"""Decoding text files as they arrive: UTF-8, UTF-8 with BOM, GBK/GB18030; binary is refused."""

from __future__ import annotations

from pathlib import Path

from etl.sources.base import SourceError


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(sample) and control / len(sample) > 0.05


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding). Tries UTF-8 (with or without BOM), then GB18030 (a superset of GBK)."""
    if looks_binary(data):
        raise SourceError(f"{name} is binary, not text; export it as CSV/TXT in UTF-8 or GBK.")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise SourceError(
            f"{name}: the text encoding is neither UTF-8 nor GBK/GB18030; re-save it as UTF-8."
        ) from None
    return text, "gb18030"


def read_text(path: Path) -> tuple[str, str]:
    return decode_text(path.read_bytes(), path.name)
