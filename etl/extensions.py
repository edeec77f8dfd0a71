"""DuckDB extensions from the installed Python packages, never from the network.

The packages duckdb-extension-{ducklake,postgres,httpfs} ship the binaries at
site-packages/duckdb_extension_<pkg>/extensions/v<duckdb version>/<pkg>.duckdb_extension.
DuckDB derives an extension's entry point from its file name, and the postgres package's file is
named `postgres.duckdb_extension` while the extension is `postgres_scanner`: so each file is
linked under its extension's name in a private folder, and loaded from there by path.
Connections using them must have autoinstall/autoload of known extensions off (see CONFIG).

DuckDB checks an extension's signature on every load, which hashes the whole file (80 MB for
ducklake + postgres: half a second per connection). So a process lets DuckDB check each file once
and then loads the same, unchanged file (same inode, size and mtime) without the check.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from functools import cache
from pathlib import Path

import duckdb

from etl.errors import PulseError

# extension name -> the Python package that ships it
PACKAGES = {"ducklake": "duckdb_extension_ducklake", "postgres_scanner": "duckdb_extension_postgres",
            "httpfs": "duckdb_extension_httpfs"}
CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def _shipped(name: str) -> Path:
    package = PACKAGES[name]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise PulseError(f"the DuckDB extension {name} is missing: install the package "
                         f"{package.replace('_', '-')}=={duckdb.__version__} (uv sync)")
    folder = Path(next(iter(spec.submodule_search_locations))) / "extensions" / f"v{duckdb.__version__}"
    files = sorted(folder.glob("*.duckdb_extension"))
    if not files:
        raise PulseError(f"the package {package} has no extension for DuckDB {duckdb.__version__} "
                         f"in {folder}; install the matching version (uv sync)")
    return files[0]


@cache
def path_of(name: str) -> Path:
    """The extension file, linked under its own name (the name DuckDB takes its entry point from)."""
    shipped = _shipped(name)
    if shipped.stem == name:
        return shipped
    folder = Path(tempfile.gettempdir()) / f"pulse-duckdb-extensions-{os.getuid()}" / f"v{duckdb.__version__}"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if any(f.stat().st_uid != os.getuid() for f in (folder, folder.parent)):  # a shared /tmp: trust only ours
        raise PulseError(f"{folder} belongs to another user; remove it (it only holds links to extensions)")
    link = folder / f"{name}.duckdb_extension"
    if not (link.is_symlink() and os.readlink(link) == str(shipped)):
        partial = folder / f".{name}.{os.getpid()}.tmp"
        partial.unlink(missing_ok=True)
        partial.symlink_to(shipped)
        os.replace(partial, link)  # atomic: concurrent processes never see a half-made link
    return link


_checked: dict[str, tuple[int, int, int]] = {}  # extension -> identity of the file DuckDB verified


def _identity(name: str) -> tuple[int, int, int]:
    st = os.stat(path_of(name))  # follows the link to the package's file
    return st.st_ino, st.st_size, st.st_mtime_ns


def connect(names: tuple[str, ...], config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB with the named extensions loaded from the installed packages."""
    checked = all(_checked.get(n) == _identity(n) for n in names)
    extra = {"allow_unsigned_extensions": True} if checked else {}
    con = duckdb.connect(":memory:", config={**(config or {}), **CONFIG, **extra})
    try:
        load(con, *names)
    except BaseException:
        con.close()
        raise
    if not checked:
        _checked.update({n: _identity(n) for n in names})
    return con


def load(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Load the named extensions into `con` from the installed packages."""
    loaded = {r[0] for r in con.execute(
        "SELECT extension_name FROM duckdb_extensions() WHERE loaded").fetchall()}
    for name in names:
        if name not in loaded:
            con.load_extension(str(path_of(name)))
