"""Regenerate the plant case files: `uv run python tests/cases/plant/make_cases.py`.

Each file is a small simulated log with one quirk, named after it; the tests pin the exact
row numbers and reasons, so regenerate only together with the tests.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import polars as pl

from etl.plant.simulate import gallium_day, weld_day

HERE = Path(__file__).parent
DAY = date(2025, 3, 1)


def _rows(df: pl.DataFrame) -> list[dict[str, str]]:
    text = df.write_csv(datetime_format="%Y-%m-%d %H:%M:%S%.3f")
    return list(csv.DictReader(io.StringIO(text)))


def _write(name: str, rows: list[dict[str, str]], header: list[str] | None = None) -> None:
    header = header or list(rows[0])
    with (HERE / name).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(h, "") for h in (header if header == list(rows[0]) else rows[0])])


def welds() -> list[dict[str, str]]:
    return _rows(weld_day(DAY, seed=7, interval_s=8640).head(10))


def batches() -> list[dict[str, str]]:
    return _rows(pl.concat([gallium_day(DAY, 7), gallium_day(date(2025, 3, 2), 7)]))


def edited(rows: list[dict[str, str]], index: int, **changes: str) -> list[dict[str, str]]:
    out = [dict(r) for r in rows]
    out[index].update(changes)
    return out


def _write_unquoted(name: str, rows: list[dict[str, str]], index: int, column: str, text: str) -> None:
    """`rows` as CSV, with `text` in row `index`'s `column` written unquoted (a hand-made export)."""
    _write(name, edited(rows, index, **{column: "@UNQUOTED@"}))
    path = HERE / name
    path.write_text(path.read_text(encoding="utf-8").replace("@UNQUOTED@", text), encoding="utf-8")


def with_utc_offsets(rows: list[dict[str, str]], stamp: str) -> list[dict[str, str]]:
    """Each row's plant time (Asia/Shanghai) as the same instant written with an offset: Z, +00:00,
    +08:00, -05:00 in turn (as MES exports in UTC or with offsets write them)."""
    from datetime import UTC, datetime, timedelta, timezone

    zones = [(UTC, "Z"), (UTC, None), (timezone(timedelta(hours=8)), None), (timezone(timedelta(hours=-5)), None)]
    shanghai = timezone(timedelta(hours=8))
    out = []
    for i, r in enumerate(rows):
        zone, suffix = zones[i % 4]
        moment = datetime.fromisoformat(r[stamp]).replace(tzinfo=shanghai).astimezone(zone)
        text = moment.isoformat(timespec="milliseconds")
        out.append(dict(r, **{stamp: text.replace("+00:00", "Z") if suffix else text}))
    return out


def in_other_forms(rows: list[dict[str, str]], number: str, stamp: str) -> list[dict[str, str]]:
    """Each row's `number` and `stamp` as exports also write them: padded, signed, with an exponent,
    with a T or slashes, without seconds' fractions (all still the same value)."""
    forms = [lambda x: f" {x} ", lambda x: f"+{x}", lambda x: f"{float(x):e}", lambda x: x]
    stamps = [lambda t: t.replace(" ", "T"), lambda t: t.replace("-", "/"), lambda t: t.split(".")[0], lambda t: t]
    return [dict(r, **{number: forms[i % 4](r[number]), stamp: stamps[i % 4](r[stamp])}) for i, r in enumerate(rows)]


THREE_DAYS = [date(2025, 3, 5), date(2025, 3, 6), date(2025, 3, 7)]


def three_days() -> list[dict[str, str]]:
    """Three days of welds (every 30 min per robot), out of order in places, with every kind of bad row,
    duplicates, failed welds and a second plant: the golden test's input (tests/plant/test_ingest_golden.py)."""
    rows = [r for day in THREE_DAYS for r in _rows(weld_day(day, seed=7, interval_s=1800))]
    rows = rows[:300] + rows[600:650] + rows[300:600] + rows[650:]  # day 3's first rows before day 2
    for i, code in ((20, "POR"), (95, "HVD"), (140, "lof"), (333, ""), (610, "CRK"), (700, "MIS"), (701, "HVD")):
        rows[i] = dict(rows[i], result="fail", defect_code=code, vdrop_mv="31.5")
    for i in range(400, 410):
        rows[i] = dict(rows[i], plant="smelter 2")
    edits = {
        7: {"ts": "2025-03-05 25:61:00"}, 8: {"ts": ""}, 30: {"current_a": "14k"}, 31: {"current_a": "250000"},
        45: {"temperature_c": "-300"}, 46: {"vdrop_mv": ""}, 60: {"result": "maybe"},
        61: {"result": "pass", "defect_code": "POR"}, 75: {"weld_id": ""}, 76: {"plant": ""},
        77: {"plant": "smelter/../x"}, 78: {"result": "OK"}, 79: {"result": "NG", "defect_code": ""},
        150: {"weld_id": rows[10]["weld_id"]}, 500: {"weld_id": rows[10]["weld_id"]},
        720: {"weld_id": rows[300]["weld_id"]},
    }
    for i, change in edits.items():
        rows[i] = dict(rows[i], **change)
    return rows


def late_for_three_days(first: list[dict[str, str]]) -> list[dict[str, str]]:
    """A second file for the middle day (new weld ids) and one weld the three-day file already loaded."""
    late = [dict(r, weld_id=r["weld_id"].replace("-0", "-9", 1))
            for r in _rows(weld_day(THREE_DAYS[1], seed=7, interval_s=8640).head(20))]
    late[5] = dict(late[5], weld_id=first[400]["weld_id"])
    return late


def three_day_batches() -> list[dict[str, str]]:
    b = _rows(pl.concat([gallium_day(d, 7) for d in THREE_DAYS]))
    b = [dict(r, recovery_pct=f"{100 * float(r['gallium_recovered_kg']) / float(r['gallium_in_kg']):.2f}") for r in b]
    b[2] = dict(b[2], recovery_pct="")
    b[4] = dict(b[4], recovery_pct="104.2")
    b[6] = dict(b[6], ended_at="2025-03-06 01:00:00")
    b[9] = dict(b[9], batch_id=b[1]["batch_id"])
    return b


def main() -> None:
    three = three_days()
    _write("three_days_with_duplicates_and_bad_rows.csv", three)
    _write("late_welds_for_2025-03-06.csv", late_for_three_days(three))
    _write("three_days_batches_with_bad_rows.csv", three_day_batches())
    w = welds()
    _write("welds_clean.csv", w)
    _write("duplicate_weld_id.csv", edited(w, 4, weld_id=w[1]["weld_id"]))
    _write("timestamp_does_not_parse.csv", edited(w, 2, ts="2025-03-01 25:61:00"))
    _write("two_digit_year.csv", edited(w, 2, ts="25-03-01 00:39:14"))
    _write("timestamp_in_2099.csv", edited(w, 4, ts="2099-03-01 01:45:30"))
    _write("batch_ended_in_2099.csv", edited(batches(), 3, ended_at="2099-03-01 23:24:48"))
    _write("current_not_physically_possible.csv", edited(w, 3, current_a="250000"))
    _write("current_not_a_number.csv", edited(w, 3, current_a="14k"))
    _write("temperature_not_physically_possible.csv", edited(w, 1, temperature_c="-300"))
    _write("result_neither_pass_nor_fail.csv", edited(w, 5, result="maybe"))
    _write("passed_weld_with_defect_code.csv", edited(w, 6, result="pass", defect_code="POR"))
    _write("missing_weld_id.csv", edited(w, 7, weld_id=""))
    bad = [dict(r, current_a="-5") if i < 6 else r for i, r in enumerate(w)]
    _write("mostly_bad_currents.csv", bad)
    _write("numbers_and_times_in_other_forms.csv", in_other_forms(w, "current_a", "ts"))
    _write("times_with_utc_offsets.csv", with_utc_offsets(w, "ts"))
    _write_unquoted("defect_codes_with_an_unquoted_comma.csv", edited(w, 3, result="fail"), 3, "defect_code",
                    "POR, CRK")
    no_vdrop = [{k: v for k, v in r.items() if k != "vdrop_mv"} for r in w]
    _write("missing_vdrop_column.csv", no_vdrop)
    zh = {"ts": "时间", "plant": "工厂", "line": "产线", "robot": "机器人", "cathode_id": "阴极编号",
          "weld_id": "焊点编号", "current_a": "电流", "temperature_c": "温度", "vdrop_mv": "压降",
          "result": "结果", "defect_code": "缺陷代码", "simulated": "模拟"}
    _write("chinese_headers.csv", [{zh[k]: v for k, v in r.items()} for r in _rows(weld_day(date(2025, 3, 3), 7, 8640).head(10))])
    late = _rows(weld_day(DAY, seed=7, interval_s=8640).slice(10, 20))
    _write("late_welds_for_2025-03-01.csv", late)
    weld_day(date(2025, 3, 4), 7, 8640).head(12).write_parquet(HERE / "welds_as_parquet.parquet")

    b = batches()
    _write("batches_clean.csv", b)
    _write("recovered_exceeds_input.csv", edited(b, 2, gallium_recovered_kg="99.5", gallium_in_kg="66.125"))
    _write("negative_recovered.csv", edited(b, 3, gallium_recovered_kg="-1.5"))
    _write("ended_before_started.csv", edited(b, 1, ended_at="2025-03-01 01:00:00"))
    _write("start_does_not_parse.csv", edited(b, 5, started_at="yesterday"))
    _write("duplicate_batch_id.csv", edited(b, 6, batch_id=b[0]["batch_id"]))
    with_pct = [dict(r, recovery_pct=f"{100 * float(r['gallium_recovered_kg']) / float(r['gallium_in_kg']):.2f}")
                for r in b]
    _write("recovery_pct_outside_0_100.csv", edited(with_pct, 4, recovery_pct="104.2"))
    _write("batches_numbers_and_times_in_other_forms.csv", in_other_forms(with_pct, "recovery_pct", "ended_at"))


if __name__ == "__main__":
    main()
