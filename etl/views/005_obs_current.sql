-- The current vintage of every mapped observation, as a table rebuilt at every publish. A
-- published warehouse never changes, so ranking vintages once here saves every reader the window
-- function over all observations. A later publication of the same series and period supersedes
-- (document date, then load order); `observations` keeps every vintage. Vintages held for review
-- (etl/holds.py) or rejected by `pulse review` never become current; accepted ones rank as usual.
-- Provenance: the row's own citation (tables cite a page per row), else the document's.
CREATE OR REPLACE TABLE obs_current AS
SELECT o.*, d.published, d.file_name AS document, d.kind AS document_kind, d.simulated,
       coalesce(o.publisher, d.publisher) AS source_publisher,
       coalesce(o.source_url, d.source_url) AS source_link,
       d.title AS document_title,
       CAST(l.started_at AS DATE) AS loaded_on,
       count(*) OVER (PARTITION BY o.series_id, o.period_start, o.period_end) AS vintages
FROM observations o JOIN documents d USING (document_id) LEFT JOIN loads l ON l.load_id = o.load_id
WHERE o.series_id IS NOT NULL AND o.period_end IS NOT NULL AND o.status IN ('ok', 'accepted')
QUALIFY row_number() OVER (
    PARTITION BY o.series_id, o.period_start, o.period_end
    ORDER BY d.published DESC NULLS LAST, o.load_id DESC, o.obs_id DESC
) = 1
ORDER BY o.series_id, o.period_end, o.period_start;
