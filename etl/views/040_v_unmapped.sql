-- Statistics kept without a series: no catalog alias fits them yet. Extend data/catalog.toml and
-- run `pulse load`: they are mapped without re-reading any file. `reason` says why one that an
-- alias fits is still kept apart (an index stated on another base than the series').
CREATE OR REPLACE VIEW v_unmapped AS
SELECT o.subject, o.indicator, o.period_label, o.period_start, o.period_end,
       o.value_as_written, o.unit_as_written, o.value, o.unit, o.change_pct, o.change_kind,
       d.file_name AS document, o.quote, o.load_id, o.index_base, o.unmapped_reason AS reason
FROM observations o JOIN documents d USING (document_id)
WHERE o.series_id IS NULL
ORDER BY d.file_name, o.source_row;
