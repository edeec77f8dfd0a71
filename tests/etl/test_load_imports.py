"""A load of tables or plant logs does not import the bulletin extractor (issue 17: a fixed ~0.1 s of
every `pulse load` process, paid to detect each file's kind); a bulletin still loads and brings it.

Each load runs in a fresh process, which prints its outcome and then what `sys.modules` holds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CASES, ROOT

_LOAD = """
import sys
from pathlib import Path
from etl.pipeline import run_load
from etl.settings import load_settings
root = Path(sys.argv[1])
result = run_load(load_settings(db=root / "wh" / "pulse.duckdb", inbox=root / "inbox", quarantine=root / "q"))
print([(f.path.name, f.status) for f in result.files])
print(" ".join(sorted(sys.modules)))
"""


def loaded_modules(tmp_path: Path, case: str) -> tuple[set[str], str]:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copyfile(CASES / case, inbox / Path(case).name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")} | {"PULSE_SETTLE_SECONDS": "0"}
    proc = subprocess.run([sys.executable, "-c", _LOAD, str(tmp_path)], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    outcome, modules = proc.stdout.strip().splitlines()[-2:]
    return set(modules.split()), outcome


@pytest.mark.parametrize("case", ["plant/welds_clean.csv", "tables/long_utf8.csv"])
def test_a_table_or_plant_load_does_not_import_the_bulletin_extractor(tmp_path: Path, case: str) -> None:
    modules, outcome = loaded_modules(tmp_path, case)
    assert outcome == str([(Path(case).name, "loaded")])
    assert "etl.sources.bulletin" in modules  # detection asked the bulletin kind too
    assert sorted(m for m in modules if m.startswith("etl.bulletin")) == []


def test_a_bulletin_load_still_imports_it(tmp_path: Path) -> None:
    case = next(p for p in sorted((CASES / "bulletin").glob("*.txt")) if p.stat().st_size > 200)
    modules, outcome = loaded_modules(tmp_path, str(case.relative_to(CASES)))
    assert outcome == str([(case.name, "loaded")])
    assert {"etl.bulletin", "etl.bulletin.extract", "etl.bulletin.documents"} <= modules
