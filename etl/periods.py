"""Period labels as Chinese statistics write them -> explicit (start, end) dates.

前三季度 / 1-9月 = Jan 1..Sep 30 (cumulative); 三季度 = Jul 1..Sep 30; 三季度末 / 9月末 = a point in
time; 2024年 = the year. A year missing from the label comes from `year` (the document's date).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from etl.lexicon import cn_int

_DASH = r"\s*[-－—–~～至到]+\s*"


class PeriodError(ValueError):
    """A period label we cannot read."""


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def cn_number(text: str) -> int:
    """'3', '三', '十二', '十' -> int (the lexicon's one Chinese-numeral reader)."""
    n = cn_int(text)
    if n is None:
        raise KeyError(text)
    return n


_NUM = r"([0-9]{1,2}|[一二两三四五六七八九十]{1,3})"
_Q = r"([1-4一二三四])"


def _normalise(label: str) -> str:
    full = str.maketrans("０１２３４５６７８９－（）", "0123456789-()")
    return re.sub(r"\s+", "", label.translate(full))


def _split_year(label: str, year: int | None) -> tuple[int, str]:
    m = re.match(r"^([0-9]{4})(?:年|(?![0-9-]))", label)
    if m and not re.match(r"^[0-9]{4}[-/.][0-9]", label):
        return int(m.group(1)), label[m.end() :]
    for word, delta in (("今年", 0), ("本年", 0), ("去年", -1), ("上年", -1), ("前年", -2)):
        if label.startswith(word):
            if year is None:
                raise PeriodError(f"'{label}' needs the document's date to know the year")
            return year + delta, label[len(word) :]
    if year is None:
        raise PeriodError(f"'{label}' has no year and the document has no date")
    return year, label


def parse_period(label: str, year: int | None = None, point: bool = False) -> tuple[date, date]:
    """(start, end) of a period label; `point=True` gives the balance date of a stock (end, end)."""
    text = _normalise(label)
    iso = _parse_iso(text)
    if iso is not None:
        start, end = iso
    else:
        y, rest = _split_year(text, year)
        start, end = _parse_in_year(y, rest, label)
    if point or _is_point_label(text):
        return end, end
    return start, end


def _is_point_label(text: str) -> bool:
    return bool(re.search(r"(末|底)$", text))


def _parse_iso(text: str) -> tuple[date, date] | None:
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", text)
    if m:
        d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
        return d, d
    m = re.fullmatch(r"([0-9]{4})[-/.]([0-9]{1,2})", text)
    if m:
        y, mo = int(m.group(1)), _month(int(m.group(2)), text)
        return date(y, mo, 1), month_end(y, mo)
    m = re.fullmatch(r"([0-9]{4})-?[Qq]([1-4])", text)
    if m:
        return _quarter(int(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"([0-9]{4})-?[Hh]([12])", text)
    if m:
        return _half(int(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"([0-9]{4})(?:-?[Ff][Yy])?", text)
    if m and len(text) == 4:
        y = int(m.group(1))
        return date(y, 1, 1), date(y, 12, 31)
    return None


def _safe_date(y: int, m: int, d: int, label: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise PeriodError(f"'{label}' is not a real date") from None


def _month(m: int, label: str) -> int:
    if not 1 <= m <= 12:
        raise PeriodError(f"'{label}' names month {m}, which does not exist")
    return m


def _quarter(y: int, q: int) -> tuple[date, date]:
    return date(y, 3 * q - 2, 1), month_end(y, 3 * q)


def _half(y: int, h: int) -> tuple[date, date]:
    return (date(y, 1, 1), date(y, 6, 30)) if h == 1 else (date(y, 7, 1), date(y, 12, 31))


def _parse_in_year(y: int, rest: str, label: str) -> tuple[date, date]:
    rest = rest.rstrip("末底").removesuffix("份") or ""
    if rest in ("", "年", "全年", "年度", "度"):
        return date(y, 1, 1), date(y, 12, 31)
    if rest in ("上半年", "1-6月", "H1"):
        return _half(y, 1)
    if rest in ("下半年",):
        return _half(y, 2)
    m = re.fullmatch(r"前" + _Q + r"(个)?季度", rest)
    if m:
        q = cn_number(m.group(1))
        return date(y, 1, 1), month_end(y, 3 * q)
    m = re.fullmatch(r"第?" + _Q + r"季度|Q" + r"([1-4])", rest)
    if m:
        return _quarter(y, cn_number(m.group(1) or m.group(2)))
    m = re.fullmatch(r"前" + _NUM + r"个?月", rest)
    if m:
        return date(y, 1, 1), month_end(y, _month(cn_number(m.group(1)), label))
    m = re.fullmatch(_NUM + r"月?" + _DASH + _NUM + r"月", rest)
    if m:
        a, b = _month(cn_number(m.group(1)), label), _month(cn_number(m.group(2)), label)
        if a > b:
            raise PeriodError(f"'{label}' runs backwards")
        return date(y, a, 1), month_end(y, b)
    m = re.fullmatch(_NUM + r"月(?:" + r"([0-9]{1,2})日)?", rest)
    if m:
        mo = _month(cn_number(m.group(1)), label)
        if m.group(2):
            d = _safe_date(y, mo, int(m.group(2)), label)
            return d, d
        return date(y, mo, 1), month_end(y, mo)
    raise PeriodError(f"cannot read the period '{label}'")


def latest_allowed_end(max_future_days: int, today: date | None = None) -> date:
    """The last period end a table may state: this month's end plus the `max_future_days` setting."""
    today = today or date.today()
    return month_end(today.year, today.month) + timedelta(days=max_future_days)


def future_problem(end: date, max_future_days: int, today: date | None = None) -> str | None:
    """Why a period ending too far ahead is refused (a typo like 2099 would become the latest value),
    or None when it is not."""
    limit = latest_allowed_end(max_future_days, today)
    if end <= limit:
        return None
    return f"the period ends {end}, after {limit} (this month's end + max_future_days={max_future_days})"


def check_not_future(end: date, max_future_days: int, today: date | None = None) -> None:
    if problem := future_problem(end, max_future_days, today):
        raise PeriodError(problem)
