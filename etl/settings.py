"""One typed settings object: defaults, then pulse.toml, then PULSE_* variables, then flags.

Every setting is declared once, with its help text, in SETTINGS; `pulse settings` prints them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from etl.target import S3, LakeTarget, parse_warehouse, redact

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
PLANT_TIMEZONE = "Asia/Shanghai"
MAX_FUTURE_DAYS = 31


def _meta(help_text: str) -> dict[str, str]:
    return {"help": help_text}


@dataclass(frozen=True)
class Settings:
    db: Path = field(
        default=DATA_DIR / "warehouse" / "pulse.duckdb",
        metadata=_meta("The published warehouse file (telemetry Parquet lives beside it)."),
    )
    warehouse: str = field(
        default="file:",
        metadata=_meta("Where the warehouse is: file:PATH (one DuckDB file; file: alone = the `db` setting) or "
                       "ducklake:postgres:dbname=… host=… port=… user=… (a DuckLake catalog in PostgreSQL; "
                       "`db` then only places the local journal and log). README \"Scaling out\"."),
    )
    data_path: str = field(
        default="",
        metadata=_meta("DuckLake only: the folder or s3://bucket/prefix/ holding the lake's data files; "
                       "empty = a folder `lake` beside `db`."),
    )
    s3_endpoint: str = field(default="", metadata=_meta(
        "DuckLake on S3: the object store's address (http://host:port for MinIO and the like; empty = AWS)."))
    s3_region: str = field(default="", metadata=_meta("DuckLake on S3: the bucket's region (empty = us-east-1)."))
    s3_key_id: str = field(default="", metadata=_meta("DuckLake on S3: the access key id."))
    s3_secret: str = field(default="", metadata=_meta(
        "DuckLake on S3: the secret access key (keep it in pulse.toml outside the repo, or PULSE_S3_SECRET)."))
    s3_url_style: str = field(default="", metadata=_meta(
        "DuckLake on S3: `path` for stores that want bucket names in the path (MinIO); empty = `vhost`."))
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
    sql_timeout_app: float = field(default=1.0, metadata=_meta("Seconds an app SQL query may run by default."))
    sql_timeout_cap: float = field(
        default=30.0, metadata=_meta("Most seconds a user may choose for one app SQL query.")
    )
    sql_timeout_cli: float = field(default=30.0, metadata=_meta("Seconds a `pulse sql` query may run."))
    sql_max_rows: int = field(default=1000, metadata=_meta("Rows shown in the app's SQL page."))
    sql_max_download_rows: int = field(
        default=100_000, metadata=_meta("Rows a SQL download or `pulse sql` may return.")
    )
    sql_memory_limit: str = field(
        default="1GB", metadata=_meta("Memory one ad hoc SQL query may use (its worker process is capped).")
    )
    max_points: int = field(
        default=2000, metadata=_meta("Most points one chart trace sends to the browser.")
    )
    # sign-in (OpenID Connect through Streamlit's st.login); README "Serving to your team"
    auth_metadata_url: str = field(default="", metadata=_meta(
        "Sign-in: the provider's metadata URL (…/.well-known/openid-configuration); empty = no sign-in."))
    auth_client_id: str = field(default="", metadata=_meta("Sign-in: the client id registered with the provider."))
    auth_client_secret: str = field(default="", metadata=_meta(
        "Sign-in: the client secret (keep it in pulse.toml outside the repo, or PULSE_AUTH_CLIENT_SECRET)."))
    auth_cookie_secret: str = field(default="", metadata=_meta(
        "Sign-in: secret that signs the sign-in cookie; empty = a new one per `pulse serve` (all sign out)."))
    auth_redirect_url: str = field(default="", metadata=_meta(
        "Sign-in: the app's address + /oauth2callback as registered with the provider; "
        "empty = http://localhost:<port>/oauth2callback."))
    auth_roles_claim: str = field(default="roles", metadata=_meta(
        "Sign-in: the ID-token claim holding the user's roles or groups."))
    auth_roles_map: dict = field(default_factory=dict, metadata=_meta(
        "Sign-in: claim value -> role (viewer, analyst, maintainer); empty = the claim holds role names."))
    auth_roles_file: str = field(default="", metadata=_meta(
        "Sign-in: a TOML file of e-mail addresses per role (used instead of the claim when set)."))
    anonymous_role: str = field(default="maintainer", metadata=_meta(
        "Role of everyone without sign-in; `pulse serve` sets it from the address and --allow-anonymous-load."))
    published_rules: tuple[str, ...] = field(
        default=(), metadata=_meta("PATTERN=YYYY-MM-DD: the publication date of table files whose name matches and "
                                   "that state none, so their vintages order by publication, not by load.")
    )
    review_level_tolerance_pct: float = field(
        default=0.5, metadata=_meta("A new vintage of a level differing from the current one by more than this "
                                    "percent (relative) is held for `pulse review`.")
    )
    review_rate_tolerance: float = field(
        default=0.05, metadata=_meta("The same for rates (% or pp): the absolute difference that holds a new vintage.")
    )
    review_history_factor: float = field(
        default=10.0, metadata=_meta("A value more than this factor above the series' largest (or below its "
                                     "smallest) current value is held as implausible.")
    )
    review_implied_tolerance_pct: float = field(
        default=2.0, metadata=_meta("How far (percent) the previous-year level a published YoY implies may lie from "
                                    "the stored one before the value is held (indices are revised each release).")
    )
    review_implied_kinds: tuple[str, ...] = field(
        default=("index", "price"),
        metadata=_meta("Series kinds whose published YoY must imply the stored previous-year value (flows are "
                       "exempt: NBS computes their growth on a comparable caliber)."),
    )
    stale_months_annual: int = field(
        default=15, metadata=_meta("An annual figure whose period ended more months ago than this is marked stale.")
    )
    stale_months_quarterly: int = field(
        default=6, metadata=_meta("The same for quarterly and year-to-date figures.")
    )
    stale_months_monthly: int = field(
        default=3, metadata=_meta("The same for monthly figures.")
    )
    max_future_days: int = field(
        default=MAX_FUTURE_DAYS,
        metadata=_meta("A table row whose period ends more than this many days after the end of the "
                       "current month is rejected (a typo like 2099 would become the latest value); "
                       "so is a plant-log row timed after that day."),
    )
    plant_timezone: str = field(
        default=PLANT_TIMEZONE,
        metadata=_meta("The plants' time zone (an IANA name). A plant-log time written with a UTC offset, Z or "
                       "UTC, or a zoned Parquet timestamp, is converted to it; a time without one is taken as "
                       "the plant's local time."),
    )
    max_reported_rows: int = field(
        default=20,
        metadata=_meta("Bad rows named one by one in a rejected file's reason (and in `rejects`); "
                       "the rest are counted as \"and N more\"."),
    )
    xlsx_max_uncompressed_mb: int = field(
        default=512,
        metadata=_meta("An XLSX workbook whose parts unpack to more than this many MB is rejected "
                       "unread (a zip bomb of shared strings)."),
    )
    xlsx_max_rows: int = field(
        default=2_000_000,
        metadata=_meta("Rows read from one XLSX sheet at most; a sheet with more is rejected."),
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
        return raw if isinstance(raw, LakeTarget) else Path(str(raw)).expanduser()
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    if kind == "dict":  # a TOML table, or "key=value,key=value" from the environment
        pairs = raw.items() if isinstance(raw, dict) else (p.split("=", 1) for p in str(raw).split(",") if "=" in p)
        return {str(k).strip(): str(v).strip() for k, v in pairs}
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
            import tomllib  # here: `pulse sql` without a pulse.toml need not pay for it

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
        settings = replace(Settings(), **{k: _coerce(k, v) for k, v in values.items()})
        settings = with_target(settings, db_given="db" in overrides and overrides["db"] is not None)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"a setting has a bad value: {exc}") from exc
    _check_zone(settings.plant_timezone)
    return settings


def _check_zone(zone: str) -> None:
    from zoneinfo import ZoneInfo  # here: cheap, and only its lookup needs it

    try:
        ZoneInfo(zone)
    except (KeyError, ValueError, OSError):  # not found (a KeyError), not a key ('../x'), unreadable
        raise SettingsError(f"plant_timezone {zone!r} is not a time zone name (an IANA name such as "
                            "Asia/Shanghai); fix it in pulse.toml or PULSE_PLANT_TIMEZONE.") from None


def with_target(settings: Settings, db_given: bool = False) -> Settings:
    """`db` becomes the warehouse target: a Path (file:) or a LakeTarget (ducklake:)."""
    kind, where = parse_warehouse(settings.warehouse)
    home = Path(os.fspath(settings.db))
    if kind == "file":
        if isinstance(settings.db, LakeTarget) and not where:
            return settings  # a lake target handed in as `db` (tests, `pulse serve`) stays one
        return replace(settings, db=Path(where).expanduser() if where and not db_given else home)
    data_path = settings.data_path or str(home.parent / "lake")
    if not data_path.startswith("s3://"):
        data_path = str(Path(data_path).expanduser().resolve()) + "/"
    s3 = S3(settings.s3_endpoint, settings.s3_key_id, settings.s3_secret, settings.s3_region,
            url_style=settings.s3_url_style)
    return replace(settings, db=LakeTarget(where, data_path, home, s3))


def describe_settings(settings: Settings) -> list[tuple[str, str, str]]:
    """(name, current value, help) for every setting, in declaration order."""
    return [(f.name, _shown(f.name, getattr(settings, f.name)), f.metadata.get("help", "")) for f in fields(Settings)]


def _shown(name: str, value: Any) -> str:
    # secrets are never printed: `pulse settings` output ends up in tickets and chats
    if name == "warehouse":
        return redact(str(value))
    return ("(set)" if value else "(not set)") if name.endswith("_secret") else str(value)
