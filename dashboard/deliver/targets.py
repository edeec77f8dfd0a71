"""[[target]] tables of pulse.toml: where briefings and alerts go. Format: README "Pull and deliver"."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from etl.errors import PulseError

KIND_KEYS = {
    "smtp": {"host", "port", "starttls", "ssl", "cafile", "username", "password_env", "from", "to", "timeout"},
    "wecom": {"url", "timeout"},
    "dingtalk": {"url", "secret_env", "image_base_url", "image_dir", "timeout"},
    "feishu": {"url", "secret_env", "image_base_url", "image_dir", "timeout"},
    "webhook": {"url", "template", "headers", "timeout"},
    "folder": {"path"},
}
REQUIRED = {"smtp": {"host", "from", "to"}, "wecom": {"url"}, "dingtalk": {"url"}, "feishu": {"url"},
            "webhook": {"url", "template"}, "folder": {"path"}}
COMMON = {"name", "kind", "attempts", "retry_delay"}


class TargetError(PulseError):
    """A [[target]] that cannot be used; one sentence naming it."""

    exit_code = 2


@dataclass(frozen=True)
class Target:
    name: str
    kind: str
    options: dict[str, Any] = field(default_factory=dict)
    attempts: int = 3
    retry_delay: float = 2.0  # seconds before the second attempt, doubled after

    def get(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)

    def secret(self, key: str) -> str | None:
        """Passwords and signing secrets live in the environment, never in pulse.toml."""
        name = self.options.get(key)
        if not name:
            return None
        value = os.environ.get(name)
        if value is None:
            raise TargetError(f"environment variable {name} (its {key}) is not set; export it where Pulse runs.")
        return value


def parse_targets(raw: tuple[dict, ...] | list[dict]) -> dict[str, Target]:
    targets: dict[str, Target] = {}
    for i, entry in enumerate(raw, start=1):
        target = _target(entry, i)
        if target.name in targets:
            raise TargetError(f"pulse.toml: target name '{target.name}' is used twice; names must be unique.")
        targets[target.name] = target
    return targets


def _target(entry: dict, i: int) -> Target:
    if not isinstance(entry, dict):
        raise TargetError(f"target #{i} is {entry!r}; targets are [[target]] tables in pulse.toml.")
    name, kind = str(entry.get("name", f"#{i}")), entry.get("kind")
    if kind not in KIND_KEYS:
        raise TargetError(f"pulse.toml target '{name}': kind {kind!r} is not one of {', '.join(KIND_KEYS)}.")
    unknown = set(entry) - COMMON - KIND_KEYS[kind]
    if unknown:
        raise TargetError(f"pulse.toml target '{name}': unknown key(s) {', '.join(sorted(unknown))} for kind "
                          f"{kind}; allowed: {', '.join(sorted(COMMON | KIND_KEYS[kind]))}.")
    missing = REQUIRED[kind] - set(entry)
    if missing:
        raise TargetError(f"pulse.toml target '{name}': missing {', '.join(sorted(missing))} for kind {kind}.")
    options = {k: v for k, v in entry.items() if k not in COMMON}
    return Target(name, kind, options, int(entry.get("attempts", 3)), float(entry.get("retry_delay", 2.0)))


def pick(targets: dict[str, Target], names: list[str] | tuple[str, ...], where: str) -> list[Target]:
    missing = [n for n in names if n not in targets]
    if missing:
        raise TargetError(f"{where}: no target named {', '.join(missing)} in pulse.toml "
                          f"(targets: {', '.join(targets) or 'none'}).")
    return [targets[n] for n in names]
