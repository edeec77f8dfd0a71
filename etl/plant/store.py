"""The one step that stores a plant file's staged, validated telemetry: the seam between backends.

`store_telemetry` is called by the load stage (etl.load_file) inside the file's transaction, after
`validate` left the good rows in the `staged` view of the file's own connection (rows whose
`reason` IS NULL; the rows themselves are Parquet files in telemetry/.spill/: a clean file's are
already its parts, etl.plant.onepass). Today's backend places one Parquet part per (plant, day)
(etl.plant.telemetry.write_parts); a DuckLake backend would insert the same rows into its
day-partitioned table through `con` and return the rows it wants listed. Either way the returned parts are listed in
`telemetry_parts` by the caller, so they are visible only with the publish. KPI aggregates are not
part of this step: they come from the staged rows (etl.plant.kpi.aggregate_staged), not the store.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.plant.telemetry import Part, Validated, write_parts


def store_telemetry(con: duckdb.DuckDBPyConnection, got: Validated, warehouse_dir: Path, load_id: str,
                    document_id: str) -> list[Part]:
    """Store `got`'s good staged rows under `load_id`; returns the parts (rows of `telemetry_parts`).

    `con` is the staging warehouse (in the file's transaction); the Parquet backend does not need it.
    `document_id` is the file's (sha256[:16]); the parts carry it as a column.
    """
    assert document_id == got.sha256[:16], "a part's document_id is its file's"
    return write_parts(got, warehouse_dir, load_id)
