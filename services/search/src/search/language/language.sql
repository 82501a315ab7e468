-- name: get
-- The organization's search settings (none yet: the defaults).
SELECT language, doc_count, version, updated_at FROM search.settings
WHERE organization_id = app.current_org();

-- name: lock
SELECT search.lock_settings();

-- name: set_language
-- Language $1 when the version is still $2; returns the new row, none when stale.
UPDATE search.settings SET language = $1, version = version + 1, updated_at = now()
WHERE organization_id = app.current_org() AND version = $2
RETURNING language, doc_count, version, updated_at;

-- name: restem_words
SELECT search.restem_words();

-- name: reindex_batch
SELECT search.reindex_batch($1, $2);
