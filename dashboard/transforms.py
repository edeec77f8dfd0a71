"""Pure transformations of observation frames (polars in, polars out; no Streamlit, no SQL).

The frame every function takes and returns (a "series frame") has one row per observation:
    series_id, label, period_start (Date), period_end (Date), value (Float64, display unit),
    unit (display unit), and optionally kind, cumulative, change_pct, change_kind, document,
    quote, derived (Boolean).
Comparisons join on calendar keys (the same period a year earlier), never on row offsets.
"""

from __future__ import annotations

from datetime import date

import polars as pl

TRANSFORMS = ("level", "yoy", "index", "single", "share")
SPANS = ("M", "Q", "A", "YTD", "P", "D", "X")  # month, quarter, year, year-to-date, point, day, other
_STEP_MONTHS = {"M": 1, "Q": 3, "A": 12}


def span_expr() -> pl.Expr:
    """The shape of each observation's period: M, Q, A, YTD, P (a point in time), D or X."""
    start, end = pl.col("period_start"), pl.col("period_end")
    month_end = end.dt.month_end() == end
    months = (end.dt.year() - start.dt.year()) * 12 + end.dt.month() - start.dt.month() + 1
    full = (start.dt.day() == 1) & month_end & (start.dt.year() == end.dt.year())
    return (
        pl.when(start == end).then(pl.lit("P"))
        .when(full & (months == 1)).then(pl.lit("M"))
        .when(full & (months == 3) & ((start.dt.month() - 1) % 3 == 0)).then(pl.lit("Q"))
        .when(full & (months == 12)).then(pl.lit("A"))
        .when(full & (start.dt.month() == 1)).then(pl.lit("YTD"))
        .when((end - start).dt.total_days() < 1).then(pl.lit("D"))
        .otherwise(pl.lit("X"))
    )


def with_span(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(span=span_expr())


def dominant_span(frame: pl.DataFrame) -> str | None:
    """The period shape that best describes a series: most points, weighted by how completely they
    cover their range (9 annual figures over 10 years beat 9 scattered monthly ones); ties: coarser."""
    if frame.is_empty():
        return None
    scored = _span_scores(with_span(frame))
    return scored.get_column("span")[0]


def _span_scores(framed: pl.DataFrame, by: tuple[str, ...] = ()) -> pl.DataFrame:
    step = pl.col("span").replace_strict(_STEP_MONTHS, default=None, return_dtype=pl.Int64)
    months = ((pl.col("last").dt.year() - pl.col("first").dt.year()) * 12
              + pl.col("last").dt.month() - pl.col("first").dt.month())
    # Irregular spans (X: e.g. Jul–Oct left over from splitting year-to-date figures) count for less.
    expected = (pl.when(pl.col("span") == "X").then(pl.col("len") * 10)
                .when(step.is_null()).then(pl.col("len")).otherwise(months // step + 1))
    order = {s: i for i, s in enumerate(("A", "Q", "M", "YTD", "P", "D", "X"))}
    return (framed.group_by(*by, "span")
            .agg(pl.len().alias("len"), pl.col("period_end").min().alias("first"),
                 pl.col("period_end").max().alias("last"))
            .with_columns(score=pl.col("len") * pl.col("len") / expected.cast(pl.Float64).clip(lower_bound=1),
                          rank=pl.col("span").replace_strict(order, default=99))
            .sort([*by, "score", "rank"], descending=[*([False] * len(by)), True, False]))


def dominant_spans(frame: pl.DataFrame) -> pl.DataFrame:
    """series_id -> its dominant span, for every series at once."""
    return _span_scores(with_span(frame), ("series_id",)).unique("series_id", keep="first").select("series_id", "span")


def select_span(frame: pl.DataFrame, span: str | None) -> pl.DataFrame:
    """Keep one period shape per series: `span`, or each series' dominant shape when None/'auto'."""
    if frame.is_empty():
        return frame
    framed = with_span(frame)
    if span and span != "auto":
        return framed.filter(pl.col("span") == span).drop("span")
    return framed.join(dominant_spans(frame), on=["series_id", "span"], maintain_order="left").drop("span")


def in_range(frame: pl.DataFrame, start: date | None, end: date | None) -> pl.DataFrame:
    if start is not None:
        frame = frame.filter(pl.col("period_end") >= start)
    if end is not None:
        frame = frame.filter(pl.col("period_end") <= end)
    return frame


def _year_earlier(col: str) -> pl.Expr:
    d = pl.col(col)
    shifted = d.dt.offset_by("-1y")
    # A month end stays a month end (Feb 29 meets Feb 28, Feb 28 meets Feb 29).
    return pl.when(d.dt.month_end() == d).then(shifted.dt.month_end()).otherwise(shifted)


def _ensure(frame: pl.DataFrame, name: str, dtype: pl.DataType, default: object = None) -> pl.DataFrame:
    if name in frame.columns:
        return frame
    return frame.with_columns(pl.lit(default, dtype=dtype).alias(name))


def yoy(frame: pl.DataFrame) -> pl.DataFrame:
    """Change against the same period a year earlier: % for levels, percentage points for rates.

    The published change is preferred (change_kind 'yoy'); otherwise it is computed from the
    observation whose start and end are a calendar year earlier. Rows with neither are dropped.
    """
    frame = _ensure(_ensure(frame, "change_pct", pl.Float64), "change_kind", pl.Utf8)
    frame = _ensure(frame, "derived", pl.Boolean, False)
    is_rate = pl.col("unit").is_in(["%", "pp", "个百分点"])
    prev = frame.select(
        "series_id",
        pl.col("period_start").alias("_ps"),
        pl.col("period_end").alias("_pe"),
        pl.col("value").alias("_prev"),
    )
    keyed = frame.with_columns(_ps=_year_earlier("period_start"), _pe=_year_earlier("period_end"))
    joined = keyed.join(prev, on=["series_id", "_ps", "_pe"], how="left")
    computed = pl.when(is_rate).then(pl.col("value") - pl.col("_prev")).otherwise(
        pl.when(pl.col("_prev") != 0).then((pl.col("value") / pl.col("_prev") - 1) * 100)
    )
    published = pl.when((pl.col("change_kind") == "yoy") & ~is_rate).then(pl.col("change_pct"))
    out = joined.with_columns(
        value=pl.coalesce(published, computed),
        derived=pl.when(published.is_null()).then(True).otherwise(pl.col("derived")),
        unit=pl.when(is_rate).then(pl.lit("pp")).otherwise(pl.lit("%")),
    )
    return out.drop("_ps", "_pe", "_prev").filter(pl.col("value").is_not_null())


def index_to(frame: pl.DataFrame, base: date | None) -> pl.DataFrame:
    """Each series divided by its value at the base period (its first period ending on/after `base`) × 100."""
    if frame.is_empty():
        return frame
    parts = []
    for _, part in frame.sort("period_end").group_by("series_id", maintain_order=True):
        candidates = part if base is None else part.filter(pl.col("period_end") >= base)
        if candidates.is_empty():
            continue
        base_value = candidates.get_column("value")[0]
        if base_value in (None, 0):
            continue
        parts.append(part.with_columns(value=pl.col("value") / base_value * 100, unit=pl.lit("index")))
    return pl.concat(parts) if parts else frame.clear()


def single_period(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """Cumulative-to-date flows -> single periods: Q3 = Jan–Sep minus Jan–Jun, marked derived.

    Applies to flow series that are cumulative (the `cumulative` flag, or year-to-date rows present);
    within each year, each cumulative row minus the previous one; the year's first row is kept when
    it already is a single period (Jan–Mar is Q1, January, Jan–Feb) and dropped otherwise (a lone
    Jan–Sep). Returns the frame and the labels of series left unchanged.
    """
    frame = _ensure(_ensure(frame, "kind", pl.Utf8, "flow"), "derived", pl.Boolean, False)
    frame = _ensure(frame, "cumulative", pl.Boolean, False)
    untouched: list[str] = []
    parts = []
    for _, part in frame.group_by("series_id", maintain_order=True):
        spans = with_span(part)
        cumulative = bool(part.get_column("cumulative").any()) or spans.filter(pl.col("span") == "YTD").height > 0
        if part.get_column("kind")[0] != "flow" or not cumulative:
            untouched.append(part.get_column("label")[0])
            parts.append(part)
            continue
        to_date = spans.filter(pl.col("span").is_in(["YTD", "A", "Q", "M"]) & (pl.col("period_start").dt.month() == 1))
        rest = spans.join(to_date.select("period_start", "period_end"), on=["period_start", "period_end"], how="anti")
        year = pl.col("period_start").dt.year()
        to_date = to_date.sort("period_end").with_columns(
            _prev_end=pl.col("period_end").shift(1).over(year),
            _prev_val=pl.col("value").shift(1).over(year),
        )
        split = to_date.with_columns(
            period_start=pl.when(pl.col("_prev_end").is_not_null())
            .then(pl.col("_prev_end").dt.offset_by("1d")).otherwise(pl.col("period_start")),
            value=pl.when(pl.col("_prev_val").is_not_null())
            .then(pl.col("value") - pl.col("_prev_val")).otherwise(pl.col("value")),
            derived=pl.col("derived") | pl.col("_prev_val").is_not_null(),
        ).drop("_prev_end", "_prev_val")
        # A year's first cumulative figure beyond Jan–Feb (e.g. Jan–Sep with no Jan–Jun) is no single period.
        unsplittable = ~pl.col("derived") & (pl.col("span") == "YTD") & (pl.col("period_end").dt.month() > 2)
        split = split.filter(~unsplittable)
        parts.append(pl.concat([split, rest], how="diagonal_relaxed").drop("span").sort("period_end"))
    return (pl.concat(parts, how="diagonal_relaxed") if parts else frame), untouched


def share(frame: pl.DataFrame) -> pl.DataFrame:
    """Each series as % of the sum of all series in the frame for the same period."""
    total = pl.col("value").sum().over(["period_start", "period_end"])
    return frame.with_columns(value=pl.when(total != 0).then(pl.col("value") / total * 100), unit=pl.lit("%"))


def apply_transform(frame: pl.DataFrame, transform: str, base: date | None = None) -> tuple[pl.DataFrame, list[str]]:
    """One of TRANSFORMS; returns the frame and the labels of series the transform could not change."""
    if transform == "yoy":
        return yoy(frame), []
    if transform == "index":
        return index_to(frame, base), []
    if transform == "single":
        return single_period(frame)
    if transform == "share":
        return share(frame), []
    return frame, []


def insert_gaps(frame: pl.DataFrame) -> pl.DataFrame:
    """A null-valued row at every missing month/quarter/year of a regular series, so lines break there."""
    if frame.is_empty():
        return frame
    parts = []
    for _, part in frame.sort("period_end").group_by("series_id", maintain_order=True):
        span = dominant_span(part)
        step = _STEP_MONTHS.get(span or "")
        if step is None or part.height < 2:
            parts.append(part)
            continue
        ends = part.get_column("period_end")
        expected = pl.date_range(ends.min(), ends.max(), interval=f"{step}mo", eager=True).dt.month_end()
        missing = expected.filter(~expected.is_in(ends.to_list()))
        if missing.is_empty():
            parts.append(part)
            continue
        filler = pl.DataFrame({"period_end": missing}).with_columns(
            period_start=pl.col("period_end").dt.offset_by(f"-{step}mo").dt.month_end().dt.offset_by("1d"),
            series_id=pl.lit(part.get_column("series_id")[0]),
            label=pl.lit(part.get_column("label")[0]),
            unit=pl.lit(part.get_column("unit")[0]),
        )
        parts.append(pl.concat([part, filler], how="diagonal_relaxed").sort("period_end"))
    return pl.concat(parts, how="diagonal_relaxed")


# ---- cumulation lengths ----------------------------------------------------------------------
# A year-to-date series mixes Jan–Mar, Jan–Jun and Jan–Sep figures: joined as one line every year
# looks like a collapse. Each cumulation length is its own line (or the series is split into single
# periods first, see single_period).

def _is_cumulative(part: pl.DataFrame) -> bool:
    if "cumulative" in part.columns and bool(part.get_column("cumulative").fill_null(False).any()):
        return True
    return with_span(part).filter(pl.col("span") == "YTD").height > 0


def with_cumulation(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds `cumulation`: months covered (Jan–Sep = 9) for rows of cumulative series that start on
    1 January, null for every other row."""
    if frame.is_empty():
        return frame.with_columns(cumulation=pl.lit(None, dtype=pl.Int8))
    cumulative_ids = [key[0] for key, part in frame.group_by("series_id") if _is_cumulative(part)]
    start, end = pl.col("period_start"), pl.col("period_end")
    from_january = (start.dt.month() == 1) & (start.dt.day() == 1) & (start.dt.year() == end.dt.year())
    months = (end.dt.month() - start.dt.month() + 1).cast(pl.Int8)
    cumulative = pl.col("series_id").is_in(cumulative_ids)
    return frame.with_columns(cumulation=pl.when(cumulative & from_january & (start != end)).then(months))


def like_latest_cumulation(frame: pl.DataFrame) -> pl.DataFrame:
    """Each cumulative series reduced to rows of the same cumulation length as its latest row
    (a Jan–Sep card gets a sparkline of Jan–Sep figures); other series unchanged."""
    if frame.is_empty():
        return frame
    marked = with_cumulation(frame)
    latest = marked.sort("period_end").group_by("series_id").agg(pl.col("cumulation").last().alias("_latest"))
    kept = marked.join(latest, on="series_id", how="left").filter(
        pl.col("_latest").is_null() | (pl.col("cumulation") == pl.col("_latest")))
    return kept.drop("cumulation", "_latest")


def select_span_for_view(frame: pl.DataFrame, span: str | None) -> pl.DataFrame:
    """select_span, except that on 'auto' a cumulative series keeps all its to-date figures
    (Jan–Mar, Jan–Jun, …, the whole year): the chart draws one line per cumulation length."""
    if frame.is_empty() or (span and span != "auto"):
        return select_span(frame, span)
    marked = with_cumulation(frame)
    cumulative = marked.filter(pl.col("cumulation").is_not_null()).get_column("series_id").unique().to_list()
    rest = select_span(frame.filter(~pl.col("series_id").is_in(cumulative)), "auto")
    kept = marked.filter(pl.col("cumulation").is_not_null()).drop("cumulation")
    return pl.concat([rest, kept], how="diagonal_relaxed").sort("series_id", "period_end")
