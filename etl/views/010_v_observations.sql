-- Current vintage of every observation (see 005_obs_current.sql), with its series' metadata and a
-- provenance a person can follow: publisher, publication date (else the day it was loaded), link.
CREATE OR REPLACE VIEW v_observations AS
SELECT r.series_id, s.name_zh, s.name_en, s.subject, s.category, s.kind, s.frequency,
       s.cumulative, r.period_start, r.period_end, r.period_label,
       r.value, s.unit, r.value / s.display_factor AS display_value, s.display_unit,
       r.change_pct, r.change_kind, r.derived, r.value_as_written, r.unit_as_written,
       r.document_id, r.document, r.document_kind, r.published, r.simulated,
       r.quote, r.source_url, r.load_id, r.vintages,
       r.source_publisher AS publisher, r.source_link, r.document_title, r.loaded_on,
       r.index_base, s.base AS series_base, s.family
FROM obs_current r JOIN series s USING (series_id);
