"""Decoding text files as they arrive: UTF-8 (BOM or not), UTF-16 with a BOM, GBK/GB18030.

Binary is refused, and so is a file that is UTF-8 except for a stretch in another encoding (two
exports pasted together): decoding all of it as GB18030 would store mojibake.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from etl.sources.base import SourceError

# The suffixes the bulletin kind reads, here rather than in etl.bulletin.documents so that detecting a
# file's kind does not import the bulletin extractor (~0.1 s of regexes compiled from the lexicon).
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
HTML_SUFFIXES = (".html", ".htm")

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_VALID_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(sample) and control / len(sample) > 0.05


def _decode(data: bytes, encoding: str, final: bool) -> str:
    """Strict decoding; with final=False a character cut at the end (a file's head) is left out."""
    return codecs.getincrementaldecoder(encoding)("strict").decode(data, final=final)


def decode_text(data: bytes, name: str, final: bool = True) -> tuple[str, str]:
    """(text, encoding). `final=False` for a head read from a longer file."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _no_nul(_decode(data[len(bom):], encoding, final), name), encoding + "-bom"
            except UnicodeDecodeError as exc:
                raise SourceError(f"{name}: byte {exc.start + len(bom):,} is not valid {encoding} although the "
                                  f"file starts with a {encoding} byte-order mark; re-save it as UTF-8.") from None
    if looks_binary(data):
        raise SourceError(f"{name} is binary, not text; export it as CSV/TXT in UTF-8 or GBK.")
    try:
        return _no_nul(_decode(data, "utf-8", final), name), "utf-8"
    except UnicodeDecodeError as exc:
        if _mostly_utf8(data):
            line = data.count(b"\n", 0, exc.start) + 1
            raise SourceError(
                f"{name} line {line}: byte {exc.start:,} is not valid UTF-8 in a file that is otherwise UTF-8 "
                "(two encodings mixed?); re-save the whole file as UTF-8.", row=line,
            ) from None
    try:
        return _no_nul(_decode(data, "gb18030", final), name), "gb18030"
    except UnicodeDecodeError:
        raise SourceError(
            f"{name}: the text encoding is neither UTF-8 nor GBK/GB18030; re-save it as UTF-8."
        ) from None


def _mostly_utf8(data: bytes) -> bool:
    """More valid multi-byte UTF-8 characters than invalid bytes: a UTF-8 file with a foreign stretch
    (real GBK text forms valid UTF-8 sequences only by chance, far less often than not)."""
    text = data.decode("utf-8", errors="replace")
    return len(_VALID_NON_ASCII.findall(text)) > text.count("\ufffd")


def _no_nul(text: str, name: str) -> str:
    at = text.find("\x00")
    if at >= 0:
        line = text.count("\n", 0, at) + 1
        raise SourceError(f"{name} line {line}: contains a NUL character, which no text export writes; "
                          "export the file again.", row=line)
    return text


def read_text(path: Path) -> tuple[str, str]:
    return decode_text(path.read_bytes(), path.name)
