"""sources.toml: what `pulse fetch` pulls. Format in README "Pull and deliver".

    [defaults]            # optional: HTTP options for every source (see http.Options)
    [[source]]            # name, kind, url, plus the kind's options
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from etl.fetch.http import EXPECT_TYPES, Options

KINDS = ("page_list", "feed", "json_table", "file")
COMMON_KEYS = {"name", "kind", "url", "enabled", "publisher", "expect"}
KIND_KEYS = {
    "page_list": {"link_pattern", "max_links"},
    "feed": {"max_links"},
    "json_table": {"mapping"},
    "file": {"file_name"},
}
MAPPING_KEYS = {"rows", "value", "codes", "code_key", "value_key", "indicator", "period", "series", "unit",
                "units_from", "frequency"}
HTTP_KEYS = {f.name for f in fields(Options)}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class ConfigError(ValueError):
    """sources.toml (or one source in it) cannot be used; one sentence naming it."""


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    url: str
    options: Options
    enabled: bool = True
    publisher: str | None = None
    expect: str = "any"  # what each fetched link must be: html, pdf, xlsx, csv, json, feed, any
    link_pattern: re.Pattern[str] | None = None
    max_links: int = 50
    file_name: str | None = None
    mapping: dict[str, Any] = field(default_factory=dict)


def load_sources(path: Path) -> tuple[list[Source], list[str]]:
    """(usable sources, one error line per unusable one). A file that cannot be read raises ConfigError."""
    if not path.is_file():
        raise ConfigError(f"no sources file at {path}; copy data/sources.toml there or set `sources` in pulse.toml.")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the file.") from None
    unknown = set(doc) - {"defaults", "source"}
    if unknown:
        raise ConfigError(f"{path}: unknown table(s) {', '.join(sorted(unknown))}; use [defaults] and [[source]].")
    defaults = _options(doc.get("defaults", {}), Options(), f"{path} [defaults]")
    sources, errors, seen = [], [], set()
    for i, raw in enumerate(doc.get("source", []), start=1):
        try:
            source = _source(raw, defaults, f"{path} source #{i}")
            if source.name in seen:
                raise ConfigError(f"{path}: source name '{source.name}' is used twice; names must be unique.")
            seen.add(source.name)
            sources.append(source)
        except ConfigError as exc:
            errors.append(str(exc))
    return sources, errors


def _options(raw: dict[str, Any], base: Options, where: str) -> Options:
    unknown = set(raw) - HTTP_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown option(s) {', '.join(sorted(unknown))}; "
                          f"HTTP options are {', '.join(sorted(HTTP_KEYS))}.")
    values = {}
    for key, value in raw.items():
        kind = type(getattr(base, key))
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{where}: {key} = {value!r} must be a number >= 0.")
        values[key] = kind(value)
    return Options(**{**base.__dict__, **values})


def _source(raw: dict[str, Any], defaults: Options, where: str) -> Source:
    name = str(raw.get("name", ""))
    if not NAME.match(name):
        raise ConfigError(f"{where}: name {name!r} must be letters, digits, '_', '-' or '.' (it names a folder).")
    where = f"source '{name}'"
    kind, url = raw.get("kind"), raw.get("url")
    if kind not in KINDS:
        raise ConfigError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}.")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: url {url!r} must start with http:// or https://.")
    allowed = COMMON_KEYS | KIND_KEYS[kind] | HTTP_KEYS
    unknown = set(raw) - allowed
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} for kind {kind}; "
                          f"allowed: {', '.join(sorted(allowed))}.")
    expect = raw.get("expect", "any")
    if expect != "any" and expect not in EXPECT_TYPES:
        raise ConfigError(f"{where}: expect {expect!r} is not one of any, {', '.join(EXPECT_TYPES)}.")
    pattern = None
    if kind == "page_list":
        try:
            pattern = re.compile(str(raw.get("link_pattern", r"\.(html?|pdf|xlsx?|csv)$")))
        except re.error as exc:
            raise ConfigError(f"{where}: link_pattern is not a valid regular expression ({exc}).") from None
    mapping = raw.get("mapping", {})
    if kind == "json_table":
        _check_mapping(mapping, where)
    return Source(
        name=name, kind=kind, url=url, enabled=bool(raw.get("enabled", True)),
        options=_options({k: v for k, v in raw.items() if k in HTTP_KEYS}, defaults, where),
        publisher=raw.get("publisher"), expect=expect, link_pattern=pattern,
        max_links=int(raw.get("max_links", 50)), file_name=raw.get("file_name"), mapping=mapping,
    )


def _check_mapping(mapping: Any, where: str) -> None:
    if not isinstance(mapping, dict) or not isinstance(mapping.get("series"), dict) or not mapping["series"]:
        raise ConfigError(f"{where}: a json_table needs [source.mapping.series] mapping indicator codes to "
                          "catalog series ids.")
    unknown = set(mapping) - MAPPING_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown mapping key(s) {', '.join(sorted(unknown))}; "
                          f"allowed: {', '.join(sorted(MAPPING_KEYS))}.")
