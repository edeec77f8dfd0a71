"""Where the warehouse is: a Path for the file backend, a LakeTarget for DuckLake.

Callers above etl/warehouse.py and etl/read.py only use what both have: `str()` for messages,
`.parent` / `os.fspath()` for the local folder that holds the journal and the log (`Path(db)`
works on both), and `.is_file()` for "has a warehouse been published". Everything else asks
etl.read / etl.warehouse, which dispatch on `is_lake(target)`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

LAKE_PREFIX = "ducklake:"
_SECRET_WORDS = re.compile(r"\b(password|passfile|sslpassword)\s*=\s*('[^']*'|\S+)", re.IGNORECASE)


@dataclass(frozen=True)
class S3:
    """Object-store settings for a data path on s3:// (empty fields: httpfs defaults)."""

    endpoint: str = ""
    key_id: str = ""
    secret: str = field(default="", repr=False)
    region: str = ""
    use_ssl: bool = True
    url_style: str = ""


@dataclass(frozen=True)
class LakeTarget:
    """A DuckLake warehouse: catalog `ducklake:postgres:<libpq DSN>`, data files under data_path.

    `home` is the local file path the journal, log and spill folders sit beside (the `db` setting),
    so code that keeps local state next to the warehouse works unchanged.
    """

    catalog: str  # "postgres:dbname=… host=…" (without the ducklake: prefix)
    data_path: str  # a folder, or s3://bucket/prefix/
    home: Path
    s3: S3 = S3()
    as_of: datetime | None = None  # read the snapshot current at this time (briefings' --as-of)

    # ---- the Path-like surface the rest of Pulse uses ----
    def __fspath__(self) -> str:
        return os.fspath(self.home)

    def __repr__(self) -> str:  # no password, no keys: reprs end up in logs and tracebacks
        return f"LakeTarget({self})"

    def __str__(self) -> str:
        return f"{LAKE_PREFIX}{redact(self.catalog)} (data {self.data_path})"

    @property
    def parent(self) -> Path:
        return self.home.parent

    @property
    def name(self) -> str:
        return self.home.name

    def with_name(self, name: str) -> Path:
        return self.home.with_name(name)

    def resolve(self) -> LakeTarget:
        return self

    def is_file(self) -> bool:
        """True when the lake has been published to (its catalog answers and holds the schema)."""
        from etl.backends import lake  # the extensions load only when a lake is used

        return lake.is_published(self)

    exists = is_file


def is_lake(target: object) -> bool:
    return isinstance(target, LakeTarget)


def redact(text: str) -> str:
    """A connection string with its password replaced: safe for logs, messages and `pulse settings`."""
    return _SECRET_WORDS.sub(lambda m: f"{m.group(1)}=***", text)


def parse_warehouse(value: str) -> tuple[str, str]:
    """("file", path) or ("ducklake", catalog) from the `warehouse` setting; ValueError when neither."""
    value = value.strip()
    if value.startswith(LAKE_PREFIX):
        catalog = value[len(LAKE_PREFIX):]
        if not catalog.startswith("postgres:"):
            raise ValueError(f"warehouse {redact(value)!r}: only a PostgreSQL catalog is supported "
                             "(ducklake:postgres:dbname=… host=…)")
        return "ducklake", catalog
    if value.startswith("file:"):
        return "file", value[len("file:"):]
    raise ValueError(f"warehouse {redact(value)!r} must start with file: or ducklake:postgres:")
