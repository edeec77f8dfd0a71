"""Overview cards: read from the `card_facts` table built at publish (etl/views/150_card_facts.sql),
with the stale flag added for today's date. `build_cards` is the same computation in polars, kept as
its reference (tests compare the two frames) and for a warehouse published before card_facts.

One card per family (a series and its year-to-date / monthly / quarterly twins): the family's
freshest figure leads, e.g. Jan–Sep 2025 before the 2024 annual value. Its change is the published
YoY wherever one is stored (marked published), else computed on calendar keys (marked computed).
A lead older than its frequency allows is marked stale.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from dashboard import transforms
from etl.read import query

# same period end: the coarser, more complete figure leads (the annual value over December's)
_SPAN_RANK = {"A": 0, "Q": 1, "YTD": 2, "M": 3, "P": 4, "D": 5, "X": 6}


def stale_limit_months(span: str, frequency: str | None, limits: dict[str, int]) -> int:
    """How many months after its period end a figure of this shape is still current."""
    if span == "A":
        return limits["A"]
    if span in ("Q", "YTD"):
        return limits["Q"]
    if span == "M":
        return limits["M"]
    return limits.get(frequency or "M", limits["M"])


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def lead_groups(frame: pl.DataFrame) -> pl.DataFrame:
    """(family, series_id, span) of each family's freshest figure."""
    framed = transforms.with_span(frame).with_columns(
        family_root=pl.coalesce(pl.col("family"), pl.col("series_id")))
    groups = (framed.group_by("family_root", "series_id", "span")
              .agg(pl.col("period_end").max().alias("last_end"), pl.len().alias("n"))
              .with_columns(rank=pl.col("span").replace_strict(_SPAN_RANK, default=9)))
    return (groups.sort(["family_root", "last_end", "rank", "n", "series_id"],
                        descending=[False, True, False, True, False])
            .unique("family_root", keep="first", maintain_order=True)
            .select("family_root", "series_id", "span"))


def build_cards(frame: pl.DataFrame, today: date, limits: dict[str, int]) -> pl.DataFrame:
    """One row per family: the lead's latest value, its YoY (change, change_unit, change_computed),
    sparkline (spark, spark_x), stale flag and provenance columns carried from the frame."""
    if frame.is_empty():
        return frame
    leads = lead_groups(frame)
    kept = (transforms.with_span(frame).join(leads, on=["series_id", "span"], how="inner")
            .sort("series_id", "period_end"))
    changes = transforms.yoy(kept.drop("family_root").with_columns(label=pl.col("series_id"))).select(
        "series_id", "period_start", "period_end", pl.col("value").alias("change"),
        pl.col("unit").alias("change_unit"), pl.col("derived").alias("change_computed"))
    # a Jan–Sep card gets a sparkline of Jan–Sep figures, not a zigzag across cumulation lengths
    spark = transforms.like_latest_cumulation(kept).group_by("series_id").agg(pl.col("value").tail(24).alias("spark"),
                                           pl.col("period_end").tail(24).alias("spark_x"))
    latest = kept.group_by("series_id").agg(pl.all().sort_by("period_end").last())
    cards = (latest.join(changes, on=["series_id", "period_start", "period_end"], how="left")
             .join(spark, on="series_id", how="left"))
    return with_stale(cards, today, limits)


def with_stale(cards: pl.DataFrame, today: date, limits: dict[str, int]) -> pl.DataFrame:
    """Adds `stale`: the lead is older than its frequency allows on `today`."""
    stale = [
        _months_between(end, today) > stale_limit_months(span, freq, limits)
        for end, span, freq in cards.select("period_end", "span", "frequency").iter_rows()
    ]
    return cards.with_columns(stale=pl.Series(stale, dtype=pl.Boolean))


def read_cards(db: Path, today: date, limits: dict[str, int]) -> pl.DataFrame:
    """The published cards (one row per family, with `points`: the series' whole history) and their
    stale flag for `today`: the frame build_cards gives, without recomputing it per visitor."""
    cards = query(db, "SELECT * FROM card_facts")
    if cards.is_empty():
        return cards
    return with_stale(cards, today, limits).select(pl.exclude("points"), "points")
