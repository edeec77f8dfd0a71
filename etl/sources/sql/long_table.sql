-- name: check
-- Every row's first problem, in the order the checks ran row by row before (issue 17); periods come
-- from {dates}, one Python decision per distinct text (date, ISO label, why it is too far ahead).
-- The table is also the hand-off (see `observations`), so the rows are materialised once.
CREATE TABLE {checked} AS
SELECT r.*, CASE
    WHEN beyond_header IS NOT NULL THEN 'a cell right of the header''s {width} columns (''' || beyond_header
        || '''): a comma in an unquoted cell splits it; quote that cell, or remove what is beyond the header.'
    WHEN s.day IS NULL THEN 'period_start ''' || period_start || ''' is not a real date (YYYY-MM-DD); fix it.'
    WHEN e.day IS NULL THEN 'period_end ''' || period_end || ''' is not a real date (YYYY-MM-DD); fix it.'
    WHEN s.day > e.day THEN 'period_start ' || s.label || ' is after period_end ' || e.label || '; swap or fix them.'
    WHEN e.future IS NOT NULL THEN e.future || '; fix the date.'
    WHEN NOT v_ok THEN 'value ''' || value || ''' is not a number; fix it or remove the row.'
    WHEN change_pct <> '' AND NOT c_ok
        THEN 'change_pct ''' || change_pct || ''' is not a number; fix it or leave it empty.'
    END AS problem,
    s.day AS start_day, e.day AS end_day, s.label || '..' || e.label AS period_label
FROM ({numbers}) r
LEFT JOIN {dates} s ON s.text = r.period_start
LEFT JOIN {dates} e ON e.text = r.period_end;

-- name: duplicates
-- Two rows for one series and period with different values: which is right is the person's call,
-- never 'the last one wins'. The subject does not make them two: a series is one line on a chart,
-- so two subjects' values for it would leave one of them shown at random. Equal values (7919 and
-- 7919.0) are a harmless repeat. Only the (rare) keys that have two values are ranked, not every row.
CREATE TABLE {duplicates} AS
WITH keys AS (
    SELECT series_id, start_day, end_day FROM {checked} WHERE problem IS NULL GROUP BY ALL
    HAVING min(v_digits) <> max(v_digits) OR min(v_exp) <> max(v_exp))
SELECT rn, series_id || ' ' || period_label || ' is ' || value
       || CASE WHEN subject <> first_subject THEN ' (subject ' || subject || ')' ELSE '' END || ' here but '
       || first_value || CASE WHEN subject <> first_subject THEN ' (subject ' || first_subject || ')' ELSE '' END
       || ' in row ' || first_rn || '; keep the right one'
       || CASE WHEN subject <> first_subject THEN ', or give each subject its own series' ELSE '' END AS problem
FROM (SELECT c.rn, c.series_id, c.period_label, c.value, c.v_digits, c.v_exp, coalesce(c.subject, '') AS subject,
             first(coalesce(c.subject, '') ORDER BY c.rn) OVER w AS first_subject,
             first(c.value ORDER BY c.rn) OVER w AS first_value, min(c.rn) OVER w AS first_rn,
             first(c.v_digits ORDER BY c.rn) OVER w AS first_digits, first(c.v_exp ORDER BY c.rn) OVER w AS first_exp
      FROM {checked} c SEMI JOIN keys k USING (series_id, start_day, end_day)
      WHERE c.problem IS NULL
      WINDOW w AS (PARTITION BY c.series_id, c.start_day, c.end_day))
WHERE v_digits <> first_digits OR v_exp <> first_exp;

-- name: observations
SELECT series_id, value AS value_as_written, unit AS unit_as_written, v_digits AS value_digits,
       v_exp AS value_exp, start_day AS period_start, end_day AS period_end, period_label,
       indicator_zh AS indicator, subject,
       CASE WHEN change_pct <> '' THEN CAST(c_digits || 'e' || c_exp AS DOUBLE) END AS change_pct,
       CASE WHEN change_pct <> '' THEN coalesce(nullif(change_kind, ''), 'yoy') END AS change_kind,
       source_quote AS quote, nullif(source_url, '') AS source_url, false AS derived, rn AS row,
       CAST(NULL AS VARCHAR) AS index_base, source_quote AS base_text, rn + {offset} AS ord
FROM {checked}
