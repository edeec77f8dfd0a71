-- Current vintage of every observation, with its series' metadata. A later publication of the
-- same series and period supersedes (document date, then load order); history stays in
-- `observations`.
CREATE OR REPLACE VIEW v_observations AS
WITH ranked AS (
    SELECT o.*, d.published, d.file_name AS document, d.kind AS document_kind, d.simulated,
           row_number() OVER (
               PARTITION BY o.series_id, o.period_start, o.period_end
               ORDER BY d.published DESC NULLS LAST, o.load_id DESC, o.obs_id DESC
           ) AS vintage_rank,
           count(*) OVER (PARTITION BY o.series_id, o.period_start, o.period_end) AS vintages
    FROM observations o JOIN documents d USING (document_id)
    WHERE o.series_id IS NOT NULL AND o.period_end IS NOT NULL
)
SELECT r.series_id, s.name_zh, s.name_en, s.subject, s.category, s.kind, s.frequency,
       s.cumulative, r.period_start, r.period_end, r.period_label,
       r.value, s.unit, r.value / s.display_factor AS display_value, s.display_unit,
       r.change_pct, r.change_kind, r.derived, r.value_as_written, r.unit_as_written,
       r.document_id, r.document, r.document_kind, r.published, r.simulated,
       r.quote, r.source_url, r.load_id, r.vintages
FROM ranked r JOIN series s USING (series_id)
WHERE r.vintage_rank = 1;
