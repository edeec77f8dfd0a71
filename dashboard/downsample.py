"""Server-side downsampling: no chart trace sends more than `max_points` points to the browser.

MinMaxLTTB (tsdownsample) keeps the visual shape and the extremes: the minimum and the maximum of
the series always survive. Gaps (null values) are kept as gaps: the downsampler runs on the
non-null points and a single null is re-inserted wherever a gap separated two kept points.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from tsdownsample import MinMaxLTTBDownsampler

DEFAULT_MAX_POINTS = 2000


def downsample_indices(x: np.ndarray, y: np.ndarray, max_points: int = DEFAULT_MAX_POINTS) -> np.ndarray:
    """Sorted row indices to keep (at most `max_points`), always including argmin and argmax of y."""
    n = len(y)
    if n <= max_points:
        return np.arange(n)
    if max_points < 4:
        keep = {0, n - 1, int(np.argmin(y)), int(np.argmax(y))}
        return np.array(sorted(keep))[:max_points]
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    idx = MinMaxLTTBDownsampler().downsample(xs, ys, n_out=max_points - 2)
    keep = np.union1d(idx, [int(np.argmin(ys)), int(np.argmax(ys)), 0, n - 1])
    if len(keep) > max_points:  # the extremes were already in idx in nearly every case; trim interior
        interior = [i for i in keep if i not in {0, n - 1, int(np.argmin(ys)), int(np.argmax(ys))}]
        drop = set(interior[:: max(1, len(interior) // (len(keep) - max_points + 1))][: len(keep) - max_points])
        keep = np.array([i for i in keep if i not in drop])
    return np.sort(keep.astype(np.int64))


def downsample_frame(frame: pl.DataFrame, x: str, y: str, max_points: int = DEFAULT_MAX_POINTS) -> pl.DataFrame:
    """At most `max_points` rows of `frame` (sorted by x), extremes of y kept, null-y gaps kept as one row.

    `x` may be a date/datetime or numeric column; other columns travel with their rows.
    """
    frame = frame.sort(x)
    if frame.height <= max_points:
        return frame
    present = frame.with_row_index("_row").filter(pl.col(y).is_not_null())
    has_gaps = present.height < frame.height
    null_runs = int((frame.get_column(y).is_null().cast(pl.Int8).diff().fill_null(0) == 1).sum()) + 1
    budget = max_points - min(null_runs, max_points // 2) if has_gaps else max_points
    xs = present.get_column(x).to_physical().cast(pl.Float64).to_numpy()
    ys = present.get_column(y).cast(pl.Float64).to_numpy()
    kept = present[downsample_indices(xs, ys, budget)]
    if not has_gaps:
        return kept.drop("_row")
    rows = kept.get_column("_row").to_numpy()
    gap_after = np.nonzero(np.diff(rows) > 1)[0]
    # A gap between two kept points only matters if a null lies between them in the original.
    null_rows = frame.with_row_index("_row").filter(pl.col(y).is_null()).get_column("_row").to_numpy()
    markers = []
    for i in gap_after:
        lo, hi = rows[i], rows[i + 1]
        pos = np.searchsorted(null_rows, lo)
        if pos < len(null_rows) and null_rows[pos] < hi:
            markers.append(int(null_rows[pos]))
    nulls = frame.with_row_index("_row").filter(pl.col("_row").is_in(markers[: max_points - kept.height]))
    return pl.concat([kept, nulls]).sort("_row").drop("_row")
