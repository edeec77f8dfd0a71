"""The concurrency tests' third process: reads the lake in a loop while two loads run.

    python -m tests.lake.reader OUT STOP     (the lake from PULSE_WAREHOUSE / PULSE_DATA_PATH / PULSE_DB)

Each read is one statement, so one snapshot: its id and the telemetry rows per plant as the app's
read path (etl.read) sees them. One JSON line per read goes to OUT; a read that fails is written as
{"error": ...} and the loop goes on. After STOP exists it makes one last read and exits.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from etl.read import connect_readonly
from etl.settings import load_settings

READ = """SELECT (SELECT id FROM pulse.current_snapshot()),
                 (SELECT count(*) FROM welds_raw() WHERE plant = 'smelter1'),
                 (SELECT count(*) FROM gallium_raw() WHERE plant = 'alumina1')"""


def read_once(con) -> dict:
    try:
        snapshot, welds, batches = con.execute(READ).fetchone()
    except Exception as exc:  # recorded, so the test can show what the reader hit
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"snapshot": snapshot, "smelter1": welds, "alumina1": batches}


def main(out: Path, stop: Path) -> None:
    con = connect_readonly(load_settings().db)
    try:
        with out.open("a", encoding="utf-8") as fh:
            while True:
                last = stop.exists()
                fh.write(json.dumps(read_once(con)) + "\n")
                fh.flush()
                if last:
                    return
                time.sleep(0.05)  # leave the two cores to the writers
    finally:
        con.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
