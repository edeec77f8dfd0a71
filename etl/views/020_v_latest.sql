-- The latest period of every series (the most recent period_end; the longest span on a tie).
CREATE OR REPLACE VIEW v_latest AS
SELECT * FROM v_observations
QUALIFY row_number() OVER (
    PARTITION BY series_id ORDER BY period_end DESC, period_start ASC
) = 1;
