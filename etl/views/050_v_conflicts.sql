-- Vintages held for review (etl/holds.py): each beside the value that is current, with the reason.
-- `review_id` is what `pulse review accept|reject ID` takes. Decided ones leave this view; they stay
-- in `observations` (status accepted / rejected) and in `review_decisions`.
CREATE OR REPLACE VIEW v_conflicts AS
SELECT o.obs_id AS review_id, o.series_id, s.name_zh, s.name_en, o.period_label, o.period_start, o.period_end,
       o.value / s.display_factor AS held_value, c.value / s.display_factor AS current_value,
       coalesce(s.display_unit, '') AS display_unit, o.hold_reason AS reason,
       coalesce(o.publisher, d.publisher) AS publisher, d.published, d.title AS document_title,
       coalesce(o.source_url, d.source_url) AS source_link, d.file_name AS document, o.quote, o.load_id
FROM observations o JOIN documents d USING (document_id) JOIN series s USING (series_id)
LEFT JOIN obs_current c ON c.series_id = o.series_id AND c.period_start = o.period_start
                       AND c.period_end = o.period_end
WHERE o.status = 'held'
ORDER BY o.obs_id;

-- Every review decision, newest first, with what was decided.
CREATE OR REPLACE VIEW v_review_decisions AS
SELECT r.decision_id, r.obs_id AS review_id, r.decision, r.decided_by, r.decided_at, r.hold_reason,
       o.series_id, o.period_label, o.value / s.display_factor AS value, coalesce(s.display_unit, '') AS display_unit
FROM review_decisions r JOIN observations o USING (obs_id) LEFT JOIN series s ON s.series_id = o.series_id
ORDER BY r.decided_at DESC, r.decision_id DESC;
