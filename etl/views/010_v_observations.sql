-- Current vintage of every observation (see 005_obs_current.sql), with its series' metadata.
CREATE OR REPLACE VIEW v_observations AS
SELECT r.series_id, s.name_zh, s.name_en, s.subject, s.category, s.kind, s.frequency,
       s.cumulative, r.period_start, r.period_end, r.period_label,
       r.value, s.unit, r.value / s.display_factor AS display_value, s.display_unit,
       r.change_pct, r.change_kind, r.derived, r.value_as_written, r.unit_as_written,
       r.document_id, r.document, r.document_kind, r.published, r.simulated,
       r.quote, r.source_url, r.load_id, r.vintages
FROM obs_current r JOIN series s USING (series_id);
