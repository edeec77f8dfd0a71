"""DuckDB with the lake extensions loaded from their Python packages, never downloaded (for the smoke tests).

The packages `duckdb-extension-<name>` ship `<name>.duckdb_extension` under
site-packages/duckdb_extension_<name>/extensions/v<duckdb version>/. DuckDB derives the entry point
from the file name, and the postgres extension's is `postgres_scanner_duckdb_cpp_init`: loaded as
`postgres.duckdb_extension` it fails ("did not contain the expected entrypoint function
'postgres_duckdb_cpp_init'"), so it is loaded through a link named `postgres_scanner.duckdb_extension`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb
import pytest

EXTENSIONS = ("postgres", "ducklake", "httpfs")
FILE_NAMES = {"postgres": "postgres_scanner"}  # the name DuckDB expects the file to have


def package_file(name: str) -> Path:
    """The extension file the package `duckdb-extension-<name>` installed for this DuckDB."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the Python package duckdb-extension-{name} is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return folder / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"


def offline_connection(work: Path, names: tuple[str, ...] = EXTENSIONS) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that cannot install or autoload anything, with `names` loaded from the packages."""
    work.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False,
                                 "extension_directory": str(work / "no-downloads")})
    for name in names:
        try:
            con.load_extension(str(_named_for_duckdb(package_file(name), name, work)))
        except (duckdb.Error, FileNotFoundError) as error:
            con.close()
            pytest.fail(f"DuckDB {duckdb.__version__} could not load the {name} extension from the package "
                        f"duckdb-extension-{name} (run `uv sync`): {error}", pytrace=False)
    return con


def _named_for_duckdb(path: Path, name: str, work: Path) -> Path:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    link = work / f"{FILE_NAMES.get(name, name)}.duckdb_extension"
    if not link.exists():
        link.symlink_to(path)
    return link
