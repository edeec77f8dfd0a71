"""The two plant log layouts, their column aliases, and the physical limits rows are checked against."""

from __future__ import annotations

from dataclasses import dataclass

# Columns as the MES exports them (canonical name -> accepted spellings, compared case-insensitively).
WELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "ts": ("ts", "timestamp", "time", "时间", "焊接时间"),
    "plant": ("plant", "厂区", "工厂"),
    "line": ("line", "产线", "生产线"),
    "robot": ("robot", "机器人"),
    "cathode_id": ("cathode_id", "阴极编号"),
    "weld_id": ("weld_id", "焊点编号", "焊缝编号"),
    "current_a": ("current_a", "current", "电流", "电流a"),
    "temperature_c": ("temperature_c", "temperature", "温度", "温度c"),
    "vdrop_mv": ("vdrop_mv", "voltage_drop_mv", "压降", "压降mv"),
    "result": ("result", "结果", "判定"),
    "defect_code": ("defect_code", "缺陷代码"),
    "simulated": ("simulated", "模拟"),
}
GALLIUM_COLUMNS: dict[str, tuple[str, ...]] = {
    "batch_id": ("batch_id", "批次号"),
    "plant": ("plant", "厂区", "工厂"),
    "line": ("line", "产线", "生产线"),
    "started_at": ("started_at", "start", "开始时间"),
    "ended_at": ("ended_at", "end", "结束时间"),
    "liquor_m3": ("liquor_m3", "母液体积", "母液量m3"),
    "gallium_in_kg": ("gallium_in_kg", "进料镓kg", "镓投入量"),
    "gallium_recovered_kg": ("gallium_recovered_kg", "回收镓kg", "镓回收量"),
    "recovery_pct": ("recovery_pct", "回收率"),
    "simulated": ("simulated", "模拟"),
}
OPTIONAL = {"simulated", "defect_code", "recovery_pct"}


@dataclass(frozen=True)
class LogKind:
    name: str  # the telemetry folder: telemetry/<name>/plant=…/date=…
    columns: dict[str, tuple[str, ...]]
    id_column: str  # unique per row, across files
    date_column: str  # its date is the partition


WELD = LogKind("weld", WELD_COLUMNS, "weld_id", "ts")
GALLIUM = LogKind("gallium", GALLIUM_COLUMNS, "batch_id", "started_at")
KINDS = (WELD, GALLIUM)

# Physically possible readings (wider than the process window: a reading outside is a sensor or
# export fault, not a bad weld). The aluminium–steel joint welds at ~14 kA and ~480 °C.
# No plant log of the group is older: an earlier time is a two-digit year ('25-03-01' reads as year
# 25) or a controller's clock reset to its epoch (1970-01-01).
EARLIEST_TIME = "1990-01-01"
CURRENT_A = (0.0, 60_000.0)
TEMPERATURE_C = (-50.0, 1_600.0)
VDROP_MV = (0.0, 1_000.0)
LIQUOR_M3 = (0.0, 10_000.0)

PASS_WORDS = ("pass", "ok", "1", "true", "合格")
FAIL_WORDS = ("fail", "ng", "0", "false", "不合格")

# Shifts by hour of day; a shift belongs to the calendar day its welds were made on.
SHIFTS = (("night", 0, 8), ("day", 8, 16), ("evening", 16, 24))
DEFECT_CODES = {
    "POR": "porosity",
    "LOF": "lack of fusion",
    "CRK": "crack",
    "HVD": "joint voltage drop too high",
    "MIS": "misalignment",
}
MAX_REJECT_DETAILS = 1000
MOSTLY_BAD = 0.5  # more than this share of rows rejected -> the whole file is quarantined


def normalise_name(name: str) -> str:
    return name.strip().lstrip("\ufeff").lower().replace(" ", "_").replace("(", "").replace(")", "")


def map_columns(header: list[str], kind: LogKind) -> dict[str, str]:
    """canonical name -> the column as written, for the columns the header has."""
    found: dict[str, str] = {}
    for written in header:
        key = normalise_name(written)
        for canonical, spellings in kind.columns.items():
            if key in spellings and canonical not in found:
                found[canonical] = written
    return found


def kind_of_header(header: list[str]) -> LogKind | None:
    """WELD or GALLIUM when the header has the kind's id column, else None."""
    for kind in KINDS:
        if kind.id_column in map_columns(header, kind):
            return kind
    return None


def missing_columns(mapping: dict[str, str], kind: LogKind) -> list[str]:
    return [c for c in kind.columns if c not in mapping and c not in OPTIONAL]
