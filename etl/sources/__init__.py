"""Source kinds: one module each, discovered by name. See base.py for the contract."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path
from types import ModuleType

from etl.sources._tabular import TABLE_SUFFIXES, describe_text
from etl.sources.base import SourceError, read_head


@cache
def source_modules() -> tuple[ModuleType, ...]:
    mods = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in ("base", "text"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "KIND") and hasattr(mod, "detect") and hasattr(mod, "extract"):
            mods.append(mod)
    return tuple(sorted(mods, key=lambda m: (m.PRIORITY, m.KIND)))


def detect_kind(path: Path) -> ModuleType:
    """The source module that reads this file, or SourceError saying why none does."""
    head = read_head(path)
    if not head:
        raise SourceError(f"{path.name} is empty; put the data in it or remove it from the inbox.")
    for mod in source_modules():
        if mod.detect(path, head):
            return mod
    if path.suffix.lower() in TABLE_SUFFIXES:
        seen = describe_text(path)  # a text that cannot be read says why, rather than "not recognised"
    else:
        seen = ""
    kinds = ", ".join(m.KIND for m in source_modules())
    raise SourceError(
        f"{path.name}: no source kind recognises this file (known kinds: {kinds}){seen}; "
        "check its extension and columns against the README."
    )
