"""One statistic found in a bulletin, as the extractor builds it and as `pulse extract` prints it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from etl.bulletin.rules import Reading


@dataclass
class Record:
    qstart: int  # compact span of the quantity
    qend: int
    start: int  # compact span of the quote
    end: int
    value: str  # as written, unsigned; `signed_value` applies the reading's sign
    unit: str
    base: str
    reading: Reading
    indicator: str = ""
    subject: str = ""
    period: tuple[date | None, date | None] | None = None
    period_label: str = ""
    change_pct: float | None = None
    change_kind: str | None = None
    list_head: int | None = None  # index (in the record list) of the first value of "A、B和C"
    sign_override: int | None = None
    index_base: str | None = None  # "2005=100", "prev_year=100" when the text states the base
    period_inherited: bool = False  # the period is the article's, not its paragraph's

    @property
    def signed_value(self) -> str:
        sign = self.sign_override if self.sign_override is not None else self.reading.sign
        return "-" + self.value if sign < 0 and not self.value.startswith("-") else self.value

    @property
    def period_start(self) -> date | None:
        return self.period[0] if self.period else None

    @property
    def period_end(self) -> date | None:
        return self.period[1] if self.period else None
