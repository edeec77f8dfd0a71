"""Row checks for plant logs, as SQL: every row gets a `reason` (NULL when it is good).

The checks run inside DuckDB over the file as read (strings from CSV, typed columns from Parquet),
so a multi-GB file is never loaded into Python. Duplicate ids are checked afterwards in
telemetry.py, against the file itself and against the telemetry already loaded.
"""

from __future__ import annotations

from etl.plant.schema import (
    CURRENT_A,
    FAIL_WORDS,
    GALLIUM,
    LIQUOR_M3,
    PASS_WORDS,
    TEMPERATURE_C,
    VDROP_MV,
    WELD,
    LogKind,
)


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(_lit(w) for w in words)


def _num(x: float) -> str:
    return f"{x:g}"


def source_select(mapping: dict[str, str], kind: LogKind) -> str:
    """The file's columns renamed to canonical names; optional columns absent become NULL."""
    cols = []
    for canonical in kind.columns:
        written = mapping.get(canonical)
        cols.append(f"{quote_ident(written)} AS {canonical}" if written else f"NULL AS {canonical}")
    return ", ".join(cols)


def _text(col: str) -> str:
    return f"NULLIF(CAST({col} AS VARCHAR), '')"


def _range_checks(col: str, typed: str, bounds: tuple[float, float], unit: str, what: str) -> list[str]:
    lo, hi = bounds
    return [
        f"WHEN {typed} IS NULL AND {col} IS NOT NULL THEN concat('{col} ''', {col}, ''' is not a number')",
        f"WHEN {typed} IS NULL THEN '{col} is empty'",
        f"WHEN {typed} < {_num(lo)} OR {typed} > {_num(hi)} THEN concat('{what} ', {col}, ' {unit} is not "
        f"physically possible (allowed {_num(lo)} to {_num(hi)} {unit})')",
    ]


def _timestamp_checks(col: str) -> list[str]:
    return [
        f"WHEN {col}_v IS NULL AND {col} IS NOT NULL THEN concat('{col} ''', {col}, ''' does not parse as a date and time')",
        f"WHEN {col}_v IS NULL THEN '{col} is empty'",
    ]


def _required(cols: tuple[str, ...]) -> list[str]:
    return [f"WHEN {c} IS NULL THEN '{c} is empty'" for c in cols]



def weld_staging_sql(source: str) -> str:
    """SELECT typed weld rows with their reason from `source` (a relation of canonical columns)."""
    checks = (
        _timestamp_checks("ts")
        + _required(("plant", "line", "robot", "cathode_id", "weld_id"))
        + _range_checks("current_a", "current_v", CURRENT_A, "A", "current")
        + _range_checks("temperature_c", "temperature_v", TEMPERATURE_C, "°C", "temperature")
        + _range_checks("vdrop_mv", "vdrop_v", VDROP_MV, "mV", "voltage drop")
        + [
            "WHEN passed_v IS NULL THEN concat('result ''', coalesce(result, ''), ''' is neither pass nor fail')",
            "WHEN passed_v AND defect_code IS NOT NULL THEN concat('a passed weld carries defect code ', defect_code)",
        ]
    )
    return f"""
SELECT ts_v AS ts, plant, line, robot, cathode_id, weld_id,
       current_v AS current_a, temperature_v AS temperature_c, vdrop_v AS vdrop_mv, passed_v AS passed,
       CASE WHEN passed_v = false THEN coalesce(upper(defect_code), 'UNSPECIFIED') END AS defect_code,
       coalesce(TRY_CAST(simulated AS BOOLEAN), false) AS simulated,
       CAST(ts_v AS DATE) AS date,
       CASE {' '.join(checks)} END AS reason
FROM (
    SELECT TRY_CAST(ts AS TIMESTAMP) AS ts_v, {_text('ts')} AS ts,
           {_text('plant')} AS plant, {_text('line')} AS line, {_text('robot')} AS robot,
           {_text('cathode_id')} AS cathode_id, {_text('weld_id')} AS weld_id,
           TRY_CAST(current_a AS DOUBLE) AS current_v, {_text('current_a')} AS current_a,
           TRY_CAST(temperature_c AS DOUBLE) AS temperature_v, {_text('temperature_c')} AS temperature_c,
           TRY_CAST(vdrop_mv AS DOUBLE) AS vdrop_v, {_text('vdrop_mv')} AS vdrop_mv,
           CASE WHEN lower({_text('result')}) IN ({_words(PASS_WORDS)}) THEN true
                WHEN lower({_text('result')}) IN ({_words(FAIL_WORDS)}) THEN false END AS passed_v,
           {_text('result')} AS result, {_text('defect_code')} AS defect_code, simulated
    FROM {source}
)"""


def gallium_staging_sql(source: str) -> str:
    """SELECT typed gallium batches with their reason from `source`."""
    checks = (
        _required(("batch_id", "plant", "line"))
        + _timestamp_checks("started_at")
        + _timestamp_checks("ended_at")
        + [
            "WHEN ended_at_v < started_at_v THEN concat('ended_at ', ended_at, ' is before started_at ', started_at)",
        ]
        + _range_checks("liquor_m3", "liquor_v", LIQUOR_M3, "m³", "liquor volume")
        + [
            "WHEN in_v IS NULL THEN concat('gallium_in_kg ''', coalesce(gallium_in_kg, ''), ''' is not a number')",
            "WHEN in_v <= 0 THEN concat('gallium_in_kg ', gallium_in_kg, ' must be above 0')",
            "WHEN out_v IS NULL THEN concat('gallium_recovered_kg ''', coalesce(gallium_recovered_kg, ''), "
            "''' is not a number')",
            "WHEN out_v < 0 THEN concat('recovery ', round(100 * out_v / in_v, 2), "
            "'% is below 0% (gallium_recovered_kg ', gallium_recovered_kg, ')')",
            "WHEN out_v > in_v THEN concat('gallium recovered ', gallium_recovered_kg, ' kg exceeds gallium in ', "
            "gallium_in_kg, ' kg (recovery ', round(100 * out_v / in_v, 2), '% > 100%)')",
            "WHEN recovery_pct IS NOT NULL AND (rec_v IS NULL OR rec_v < 0 OR rec_v > 100) "
            "THEN concat('recovery_pct ', recovery_pct, ' is outside 0–100%')",
            "WHEN rec_v IS NOT NULL AND abs(rec_v - 100 * out_v / in_v) > 0.1 THEN concat('recovery_pct ', "
            "recovery_pct, ' disagrees with recovered / in = ', round(100 * out_v / in_v, 2), '%')",
        ]
    )
    return f"""
SELECT batch_id, plant, line, started_at_v AS started_at, ended_at_v AS ended_at,
       liquor_v AS liquor_m3, in_v AS gallium_in_kg, out_v AS gallium_recovered_kg,
       coalesce(TRY_CAST(simulated AS BOOLEAN), false) AS simulated,
       CAST(started_at_v AS DATE) AS date,
       CASE {' '.join(checks)} END AS reason
FROM (
    SELECT {_text('batch_id')} AS batch_id, {_text('plant')} AS plant, {_text('line')} AS line,
           TRY_CAST(started_at AS TIMESTAMP) AS started_at_v, {_text('started_at')} AS started_at,
           TRY_CAST(ended_at AS TIMESTAMP) AS ended_at_v, {_text('ended_at')} AS ended_at,
           TRY_CAST(liquor_m3 AS DOUBLE) AS liquor_v, {_text('liquor_m3')} AS liquor_m3,
           TRY_CAST(gallium_in_kg AS DOUBLE) AS in_v, {_text('gallium_in_kg')} AS gallium_in_kg,
           TRY_CAST(gallium_recovered_kg AS DOUBLE) AS out_v,
           {_text('gallium_recovered_kg')} AS gallium_recovered_kg,
           TRY_CAST(recovery_pct AS DOUBLE) AS rec_v, {_text('recovery_pct')} AS recovery_pct, simulated
    FROM {source}
)"""


STAGING_SQL = {WELD.name: weld_staging_sql, GALLIUM.name: gallium_staging_sql}

# Columns written to Parquet (plant and date are the hive partition folders).
PARQUET_COLUMNS = {
    WELD.name: "ts, line, robot, cathode_id, weld_id, current_a, temperature_c, vdrop_mv, passed, "
    "defect_code, simulated",
    GALLIUM.name: "batch_id, line, started_at, ended_at, liquor_m3, gallium_in_kg, gallium_recovered_kg, "
    "simulated",
}
