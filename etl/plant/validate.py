"""Row checks for plant logs, as SQL: every row gets a `reason` (NULL when it is good).

The checks run inside DuckDB over the file as read (strings from CSV, typed columns from Parquet),
so a multi-GB file is never loaded into Python. Duplicate ids are checked afterwards in
telemetry.py, against the file itself and against the telemetry already loaded.
"""

from __future__ import annotations

from etl.plant.checks import sql_literal
from etl.plant.schema import (
    CURRENT_A,
    EARLIEST_TIME,
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


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(sql_literal(w) for w in words)


def _num(x: float) -> str:
    return f"{x:g}"


def source_select(mapping: dict[str, str], kind: LogKind, beyond: list[str], width: int) -> str:
    """The file's columns renamed to canonical names; optional columns absent become NULL. `beyond`
    names the columns the reader added right of the header's `width` (a row with more fields than
    the header): a row with a field there gets the reason `beyond_header`."""
    cols = []
    for canonical in kind.columns:
        written = mapping.get(canonical)
        cols.append(f"{quote_ident(written)} AS {canonical}" if written else f"NULL AS {canonical}")
    return ", ".join([*cols, f"{_beyond_reason(beyond, width)} AS beyond_header"])


def _beyond_reason(beyond: list[str], width: int) -> str:
    if not beyond:
        return "CAST(NULL AS VARCHAR)"
    first = f"coalesce({', '.join(_text(quote_ident(c)) for c in beyond)})"
    return (f"CASE WHEN {first} IS NOT NULL THEN concat('a field right of the header''s {width} columns (''', "
            f"{first}, '''): a separator in an unquoted field splits it; quote that field, or remove what is "
            "beyond the header') END")


def _text(col: str) -> str:
    return f"NULLIF(CAST({col} AS VARCHAR), '')"


# The columns cast from text, per kind: each is `{col}_v`, typed, beside its text `{col}`, which
# messages quote.
CASTS = {
    WELD.name: {"ts": "TIMESTAMP", "current_a": "DOUBLE", "temperature_c": "DOUBLE", "vdrop_mv": "DOUBLE"},
    GALLIUM.name: {"started_at": "TIMESTAMP", "ended_at": "TIMESTAMP", "liquor_m3": "DOUBLE",
                   "gallium_in_kg": "DOUBLE", "gallium_recovered_kg": "DOUBLE", "recovery_pct": "DOUBLE"},
}


def _casts(kind: str) -> str:
    return ", ".join(f"{_time(col) if sql_type == 'TIMESTAMP' else f'TRY_CAST({col} AS {sql_type})'} AS {col}_v, "
                     f"{_text(col)} AS {col}" for col, sql_type in CASTS[kind].items())


def _time(col: str) -> str:
    """A plant's local time: as written when it carries no zone, else converted from its UTC offset,
    Z or UTC to the connection's TimeZone, the plants' (telemetry._connect). TRY_CAST to TIMESTAMP
    alone drops an offset: a log exported in UTC would load hours off, some rows on the wrong day.
    The test is cheap and may say yes wrongly (the conversion is then the identity), never no."""
    text = _text(col)
    zoned = (f"contains({text}, '+') OR contains({text}, 'Z') OR contains({text}, 'z') OR contains({text}, 'UTC') "
             f"OR contains(substr({text}, instr({text}, ':')), '-')")  # a '-' after the time: a negative offset
    return (f"CASE WHEN {zoned} THEN CAST(TRY_CAST({text} AS TIMESTAMPTZ) AS TIMESTAMP) "
            f"ELSE TRY_CAST({text} AS TIMESTAMP) END")


def _range_checks(col: str, bounds: tuple[float, float], unit: str, what: str) -> list[str]:
    (lo, hi), typed = bounds, f"{col}_v"
    return [
        f"WHEN {typed} IS NULL AND {col} IS NOT NULL THEN concat('{col} ''', {col}, ''' is not a number')",
        f"WHEN {typed} IS NULL THEN '{col} is empty'",
        f"WHEN {typed} < {_num(lo)} OR {typed} > {_num(hi)} THEN concat('{what} ', {col}, ' {unit} is not "
        f"physically possible (allowed {_num(lo)} to {_num(hi)} {unit})')",
    ]


def _timestamp_checks(col: str) -> list[str]:
    """A time that parses, and one a plant log can hold: not before EARLIEST_TIME, not after the last
    day tables may state (the connection's variables: telemetry._connect)."""
    return [
        f"WHEN {col}_v IS NULL AND {col} IS NOT NULL THEN concat('{col} ''', {col}, ''' does not parse as a date and time')",
        f"WHEN {col}_v IS NULL THEN '{col} is empty'",
        f"WHEN {col}_v < TIMESTAMP '{EARLIEST_TIME}' THEN concat('{col} ''', {col}, ''' is before {EARLIEST_TIME} "
        "(a two-digit year, or a clock reset?); fix the export')",
        f"WHEN CAST({col}_v AS DATE) > getvariable('pulse_latest_day') THEN concat('{col} ''', {col}, ''' is after ', "
        "getvariable('pulse_latest_day'), ' (this month''s end + max_future_days=', "
        "getvariable('pulse_max_future_days'), '); fix the clock or the export')",
    ]


def _required(cols: tuple[str, ...]) -> list[str]:
    return [f"WHEN {c} IS NULL THEN '{c} is empty'" for c in cols]


def weld_staging_sql(source: str) -> str:
    """SELECT typed weld rows with their reason from `source` (a relation of canonical columns)."""
    checks = (
        ["WHEN beyond_header IS NOT NULL THEN beyond_header"]
        + _timestamp_checks("ts")
        + _required(("plant", "line", "robot", "cathode_id", "weld_id"))
        + _range_checks("current_a", CURRENT_A, "A", "current")
        + _range_checks("temperature_c", TEMPERATURE_C, "°C", "temperature")
        + _range_checks("vdrop_mv", VDROP_MV, "mV", "voltage drop")
        + [
            "WHEN passed_v IS NULL THEN concat('result ''', coalesce(result, ''), ''' is neither pass nor fail')",
            "WHEN passed_v AND defect_code IS NOT NULL THEN concat('a passed weld carries defect code ', defect_code)",
        ]
    )
    return f"""
SELECT ts_v AS ts, plant, line, robot, cathode_id, weld_id,
       current_a_v AS current_a, temperature_c_v AS temperature_c, vdrop_mv_v AS vdrop_mv, passed_v AS passed,
       CASE WHEN passed_v = false THEN coalesce(upper(defect_code), 'UNSPECIFIED') END AS defect_code,
       coalesce(TRY_CAST(simulated AS BOOLEAN), false) AS simulated,
       CAST(ts_v AS DATE) AS date,
       CASE {' '.join(checks)} END AS reason
FROM (
    SELECT {_casts(WELD.name)},
           {_text('plant')} AS plant, {_text('line')} AS line, {_text('robot')} AS robot,
           {_text('cathode_id')} AS cathode_id, {_text('weld_id')} AS weld_id,
           CASE WHEN lower({_text('result')}) IN ({_words(PASS_WORDS)}) THEN true
                WHEN lower({_text('result')}) IN ({_words(FAIL_WORDS)}) THEN false END AS passed_v,
           {_text('result')} AS result, {_text('defect_code')} AS defect_code, simulated, beyond_header
    FROM {source}
)"""


def gallium_staging_sql(source: str) -> str:
    """SELECT typed gallium batches with their reason from `source`."""
    recovery = "round(100 * gallium_recovered_kg_v / gallium_in_kg_v, 2)"
    checks = (
        ["WHEN beyond_header IS NOT NULL THEN beyond_header"]
        + _required(("batch_id", "plant", "line"))
        + _timestamp_checks("started_at")
        + _timestamp_checks("ended_at")
        + [
            "WHEN ended_at_v < started_at_v THEN concat('ended_at ', ended_at, ' is before started_at ', started_at)",
        ]
        + _range_checks("liquor_m3", LIQUOR_M3, "m³", "liquor volume")
        + [
            "WHEN gallium_in_kg_v IS NULL THEN concat('gallium_in_kg ''', coalesce(gallium_in_kg, ''), "
            "''' is not a number')",
            "WHEN gallium_in_kg_v <= 0 THEN concat('gallium_in_kg ', gallium_in_kg, ' must be above 0')",
            "WHEN gallium_recovered_kg_v IS NULL THEN concat('gallium_recovered_kg ''', "
            "coalesce(gallium_recovered_kg, ''), ''' is not a number')",
            f"WHEN gallium_recovered_kg_v < 0 THEN concat('recovery ', {recovery}, "
            "'% is below 0% (gallium_recovered_kg ', gallium_recovered_kg, ')')",
            "WHEN gallium_recovered_kg_v > gallium_in_kg_v THEN concat('gallium recovered ', gallium_recovered_kg, "
            f"' kg exceeds gallium in ', gallium_in_kg, ' kg (recovery ', {recovery}, '% > 100%)')",
            "WHEN recovery_pct IS NOT NULL AND (recovery_pct_v IS NULL OR recovery_pct_v < 0 OR recovery_pct_v > 100) "
            "THEN concat('recovery_pct ', recovery_pct, ' is outside 0–100%')",
            "WHEN recovery_pct_v IS NOT NULL AND abs(recovery_pct_v - 100 * gallium_recovered_kg_v / gallium_in_kg_v)"
            f" > 0.1 THEN concat('recovery_pct ', recovery_pct, ' disagrees with recovered / in = ', {recovery}, '%')",
        ]
    )
    return f"""
SELECT batch_id, plant, line, started_at_v AS started_at, ended_at_v AS ended_at,
       liquor_m3_v AS liquor_m3, gallium_in_kg_v AS gallium_in_kg, gallium_recovered_kg_v AS gallium_recovered_kg,
       coalesce(TRY_CAST(simulated AS BOOLEAN), false) AS simulated,
       CAST(started_at_v AS DATE) AS date,
       CASE {' '.join(checks)} END AS reason
FROM (
    SELECT {_text('batch_id')} AS batch_id, {_text('plant')} AS plant, {_text('line')} AS line,
           {_casts(GALLIUM.name)}, simulated, beyond_header
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
