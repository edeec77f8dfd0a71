"""One typed settings object: defaults, then pulse.toml, then PULSE_* variables, then flags.

Every setting is declared once, with its help text, in SETTINGS; `pulse settings` prints them.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"


def _meta(help_text: str) -> dict[str, str]:
    return {"help": help_text}


@dataclass(frozen=True)
class Settings:
    db: Path = field(
        default=DATA_DIR / "warehouse" / "pulse.duckdb",
        metadata=_meta("The published warehouse file (telemetry Parquet lives beside it)."),
    )
    inbox: Path = field(
        default=DATA_DIR / "inbox",
        metadata=_meta("Folder scanned recursively by `pulse load`."),
    )
    quarantine: Path = field(
        default=DATA_DIR / "quarantine",
        metadata=_meta("Where rejected files are moved, each with a .reason.txt beside it."),
    )
    catalog: Path = field(
        default=DATA_DIR / "catalog.toml",
        metadata=_meta("The series catalog: ids, names, aliases, units."),
    )
    ignore: tuple[str, ...] = field(
        default=("README*", "*_notes.md", "*.reason.txt", ".[!.]*"),
        metadata=_meta("File- or folder-name patterns `pulse load` skips, and says so (provenance notes, "
                       "hidden names: one dot then a name; `..x.csv` is not hidden)."),
    )
    settle_seconds: float = field(
        default=1.0,
        metadata=_meta("A file whose size or mtime changes within this many seconds is still being "
                       "written: `pulse load` skips it with a notice and loads it next time."),
    )
    host: str = field(default="127.0.0.1", metadata=_meta("Address `pulse serve` listens on."))
    port: int = field(default=8501, metadata=_meta("Port `pulse serve` listens on."))
    sql_timeout_app: float = field(default=1.0, metadata=_meta("Seconds an app SQL query may run."))
    sql_timeout_cli: float = field(default=30.0, metadata=_meta("Seconds a `pulse sql` query may run."))
    sql_max_rows: int = field(default=1000, metadata=_meta("Rows shown in the app's SQL page."))
    sql_max_download_rows: int = field(
        default=100_000, metadata=_meta("Rows a SQL download or `pulse sql` may return.")
    )
    sql_memory_limit: str = field(default="1GB", metadata=_meta("DuckDB memory limit for ad hoc SQL."))
    max_points: int = field(
        default=2000, metadata=_meta("Most points one chart trace sends to the browser.")
    )
    sources: Path = field(default=DATA_DIR / "sources.toml", metadata=_meta("Sources `pulse fetch` pulls."))
    alerts: Path = field(default=DATA_DIR / "alerts.toml", metadata=_meta("Alert rules checked after each load."))
    # [[schedule]] and [[target]] tables of pulse.toml, kept as written; checked by their users
    schedule: tuple[dict, ...] = field(default=(), metadata=_meta("Tables `schedule` of pulse.toml: cron + jobs for `pulse schedule run`."))
    target: tuple[dict, ...] = field(default=(), metadata=_meta("Tables `target` of pulse.toml: where briefings and alerts go."))

    @property
    def warehouse_dir(self) -> Path:
        return self.db.parent

    @property
    def telemetry_dir(self) -> Path:
        return self.db.parent / "telemetry"


def _coerce(name: str, raw: Any) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if kind == "Path":
        return Path(str(raw)).expanduser()
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    if kind.startswith("tuple"):
        return tuple(raw) if isinstance(raw, list | tuple) else tuple(s for s in str(raw).split(",") if s)
    return str(raw)


class SettingsError(ValueError):
    """A setting whose value cannot be used."""


def load_settings(toml_path: Path | None = None, **overrides: Any) -> Settings:
    """Defaults < pulse.toml < PULSE_* environment < explicit overrides (flags); None means unset."""
    names = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    toml_path = toml_path or Path(os.environ.get("PULSE_CONFIG", "pulse.toml"))
    if toml_path.is_file():
        with toml_path.open("rb") as fh:
            for key, raw in tomllib.load(fh).items():
                if key not in names:
                    raise SettingsError(f"{toml_path}: unknown setting '{key}'; `pulse settings` lists them.")
                values[key] = raw
    for name in names:
        env = os.environ.get(f"PULSE_{name.upper()}")
        if env is not None:
            values[name] = env
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return replace(Settings(), **{k: _coerce(k, v) for k, v in values.items()})
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"a setting has a bad value: {exc}") from exc


def describe_settings(settings: Settings) -> list[tuple[str, str, str]]:
    """(name, current value, help) for every setting, in declaration order."""
    return [(f.name, str(getattr(settings, f.name)), f.metadata.get("help", "")) for f in fields(Settings)]
