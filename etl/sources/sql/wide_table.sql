-- name: cells
-- Every non-empty cell of the data rows, one row per (row, period column), with its row's and its
-- column's decisions (made once per row and once per column in Python) and its number read.
CREATE TABLE {cells} AS
SELECT *, CASE WHEN cumulative THEN make_date(year(end_day), 1, 1) ELSE start_day END AS period_start
FROM ({numbers});

-- name: cell_rows
SELECT u.rn, k.pos, k.label, k.start_day, k.end_day, u.cell, r.first_cell, r.indicator, r.unit, r.is_growth,
       r.cumulative, r.level_key
FROM (UNPIVOT (SELECT rn, {cell_list} FROM {frame} WHERE rn > {header_rn} AND rn < {stop_rn})
      ON {cell_list} INTO NAME col VALUE cell) u
JOIN {row_info} r ON r.rn = u.rn AND r.problem IS NULL
JOIN {col_info} k ON k.col = u.col
WHERE u.cell NOT IN ('', '-', '—', '--', '…', '...', 'null', 'NA');

-- name: problems
-- A row without a unit, a cell right of the header (no period names it), a cell that is no number,
-- and a second level for one indicator and period with another value, in the order a person reads
-- the table (row, then column). Only the (rare) indicator-periods that have two values are ranked,
-- not every cell (issue 17).
WITH twice AS (
    SELECT level_key, period_start, end_day FROM {cells} WHERE v_ok AND NOT is_growth GROUP BY ALL
    HAVING min(v_digits) <> max(v_digits) OR min(v_exp) <> max(v_exp))
SELECT rn, problem FROM (
    SELECT rn, -1 AS pos, problem FROM {row_info} WHERE problem IS NOT NULL
    UNION ALL
    SELECT rn, {last_pos} AS pos, 'a cell right of the header''s last column (''' || beyond
           || '''): the header names no period for it; add the period to the header, or remove the cell'
    FROM (SELECT f.rn, {beyond} AS beyond FROM {frame} f SEMI JOIN {row_info} r ON r.rn = f.rn)
    WHERE beyond IS NOT NULL
    UNION ALL
    SELECT rn, pos, 'column ' || label || ': ''' || cell || ''' is not a number; fix the cell or leave it empty'
    FROM {cells} WHERE NOT v_ok
    UNION ALL
    SELECT rn, pos, indicator || ' ' || label || ' is ' || cell || ' here but ' || first_cell_value || ' in row '
           || first_rn || '; keep the right one'
    FROM (SELECT *, first(cell ORDER BY rn, pos) OVER w AS first_cell_value, first(rn ORDER BY rn, pos) OVER w AS first_rn,
                 first(v_digits ORDER BY rn, pos) OVER w AS first_digits, first(v_exp ORDER BY rn, pos) OVER w AS first_exp
          FROM {cells} c SEMI JOIN twice t ON t.level_key = c.level_key AND t.period_start = c.period_start
               AND t.end_day = c.end_day
          WHERE v_ok AND NOT is_growth
          WINDOW w AS (PARTITION BY level_key, period_start, end_day))
    WHERE v_digits <> first_digits OR v_exp <> first_exp)
ORDER BY rn, pos;

-- name: growth
-- Growth cells (a % row named …增长/增速/增减): beside a level of the same indicator and period it is
-- that level's change_pct (the first one; another value is an error), alone it is a rate of its own.
CREATE TABLE {growth} AS
SELECT g.*, l.rn IS NOT NULL AS attached,
       first(g.cell ORDER BY g.rn, g.pos) OVER w AS first_cell_value, first(g.rn ORDER BY g.rn, g.pos) OVER w AS first_rn,
       first(g.v_digits ORDER BY g.rn, g.pos) OVER w AS first_digits, first(g.v_exp ORDER BY g.rn, g.pos) OVER w AS first_exp,
       row_number() OVER (w ORDER BY g.rn, g.pos) AS nth
FROM (SELECT * FROM {cells} WHERE v_ok AND is_growth) g
LEFT JOIN (SELECT level_key, period_start, end_day, min(rn) AS rn FROM {cells} WHERE v_ok AND NOT is_growth
           GROUP BY ALL) l
       ON l.level_key = g.level_key AND l.period_start = g.period_start AND l.end_day = g.end_day
WINDOW w AS (PARTITION BY l.rn IS NOT NULL, CASE WHEN l.rn IS NOT NULL THEN g.level_key ELSE g.indicator END,
             g.period_start, g.end_day);

-- name: growth_problems
-- A standalone rate is compared with a level keyed by its whole name, if one exists, else with the
-- first rate of that name and period.
SELECT rn, problem FROM (
    SELECT g.rn, g.pos, g.indicator || ' ' || g.label || ' is ' || g.cell || ' here but '
           || coalesce(l.cell, g.first_cell_value) || ' in row ' || coalesce(l.rn, g.first_rn) || '; keep the right one'
           AS problem
    FROM {growth} g
    LEFT JOIN (SELECT level_key, period_start, end_day, min_by(cell, (rn, pos)) AS cell, min(rn) AS rn,
                      min_by(v_digits, (rn, pos)) AS v_digits, min_by(v_exp, (rn, pos)) AS v_exp
               FROM {cells} WHERE v_ok AND NOT is_growth GROUP BY ALL) l
           ON NOT g.attached AND l.level_key = g.indicator AND l.period_start = g.period_start AND l.end_day = g.end_day
    WHERE (l.rn IS NOT NULL AND (g.v_digits <> l.v_digits OR g.v_exp <> l.v_exp))
       OR (l.rn IS NULL AND (g.v_digits <> g.first_digits OR g.v_exp <> g.first_exp)))
ORDER BY rn, pos;

-- name: observations
-- The first level of each indicator and period (with its attached growth as change_pct), then each
-- standalone rate that no level of its name holds. The first is picked among the indicator-periods
-- stated more than once (with equal values, or `problems` stopped the load), not ranked everywhere.
WITH repeated AS (
    SELECT level_key, period_start, end_day, min((rn, pos)) AS first FROM {cells} WHERE v_ok AND NOT is_growth
    GROUP BY ALL HAVING count(*) > 1)
SELECT * FROM (
    SELECT CAST(NULL AS VARCHAR) AS series_id, l.cell AS value_as_written, l.unit AS unit_as_written,
           l.v_digits AS value_digits, l.v_exp AS value_exp, l.period_start, l.end_day AS period_end,
           l.label AS period_label, l.indicator, '' AS subject,
           CAST(g.v_digits || 'e' || g.v_exp AS DOUBLE) AS change_pct, CASE WHEN g.rn IS NOT NULL THEN 'yoy' END AS change_kind,
           l.first_cell || ' ' || l.label || ': ' || l.cell AS quote, CAST(NULL AS VARCHAR) AS source_url,
           false AS derived, l.rn AS row, CAST(NULL AS VARCHAR) AS index_base,
           l.first_cell || ' ' || l.label || ': ' || l.cell AS base_text, 0 AS part, l.rn AS r, l.pos AS p
    FROM {cells} l
    LEFT JOIN {growth} g ON g.attached AND g.nth = 1 AND g.level_key = l.level_key
         AND g.period_start = l.period_start AND g.end_day = l.end_day
    LEFT JOIN repeated d ON d.level_key = l.level_key AND d.period_start = l.period_start AND d.end_day = l.end_day
    WHERE l.v_ok AND NOT l.is_growth AND (d.first IS NULL OR d.first = (l.rn, l.pos))
    UNION ALL
    SELECT NULL, g.cell, g.unit, g.v_digits, g.v_exp, g.period_start, g.end_day, g.label, g.indicator, '', NULL, NULL,
           g.indicator || '(' || g.unit || ') ' || g.label || ': ' || g.cell, NULL, false, g.rn, NULL,
           g.indicator || '(' || g.unit || ') ' || g.label || ': ' || g.cell, 1, g.rn, g.pos
    FROM {growth} g
    WHERE NOT g.attached AND g.nth = 1 AND NOT EXISTS (
        SELECT 1 FROM {cells} l WHERE l.v_ok AND NOT l.is_growth AND l.level_key = g.indicator
          AND l.period_start = g.period_start AND l.end_day = g.end_day))
ORDER BY part, r, p;
