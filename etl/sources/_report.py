"""Every bad row of a file, named in one line: a person fixes them all in one pass, not one per load."""

from __future__ import annotations

from etl.sources.base import RowReject, SourceError


class BadRows:
    """Collects (row, problem) pairs; `error()` is one SourceError naming the first `cap` of them."""

    def __init__(self, name: str, cap: int):
        self.name = name
        self.cap = max(1, cap)
        self.items: list[tuple[int | None, str]] = []
        self.unlisted = 0  # bad rows a query counted but did not fetch (past the cap)

    def add(self, row: int | None, problem: str) -> None:
        self.items.append((row, problem))

    def add_error(self, exc: SourceError) -> None:
        """A SourceError raised for one row, its message already naming the file and row."""
        self.items.append((exc.row, _without_where(str(exc), self.name, exc.row)))

    def add_query(self, con, sql: str, params: object = None) -> None:
        """The bad rows a query finds, as (row, problem) in the order they are reported: the first
        ones up to the cap are fetched, the rest only counted (a file of a million bad rows stays cheap)."""
        total = con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
        room = max(0, self.cap - len(self.items))
        if total and room:
            self.items += [(r, p) for r, p in con.execute(f"{sql} LIMIT {room}", params).fetchall()]
        self.unlisted += total - min(total, room)

    def __bool__(self) -> bool:
        return bool(self.items) or self.unlisted > 0

    def where(self, row: int | None) -> str:
        return f"{self.name} row {row}" if row is not None else self.name

    def error(self) -> SourceError:
        shown = self.items[: self.cap]
        first_row, first = shown[0]
        parts = [f"{self.where(first_row)}: {first}"]
        parts += [f"row {r}: {p}" if r is not None else p for r, p in shown[1:]]
        rejects = [RowReject(r, f"{self.where(r)}: {p}") for r, p in shown]
        more = len(self.items) - len(shown) + self.unlisted
        if more:
            parts.append(f"and {more} more bad row(s)")
            rejects.append(RowReject(None, f"{self.name}: and {more} more bad row(s) not listed"))
        return SourceError("; ".join(parts), row=first_row, rejects=rejects)

    def raise_if_any(self) -> None:
        if self:
            raise self.error()


def _without_where(message: str, name: str, row: int | None) -> str:
    prefix = f"{name} row {row}: " if row is not None else f"{name}: "
    return message.removeprefix(prefix)
