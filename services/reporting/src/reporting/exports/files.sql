-- Exported files: the row names the object holding the content (files written before
-- the object store: their chunks, until they expire). RLS keeps each row to its
-- organization and to callers allowed all its plants.

-- name: insert_file
-- $1 id, $2 SHA-256 of the link token, $3 job (null for a scheduled report), $4 source,
-- $5 format, $6 filename, $7 content type, $8 plants, $9 rows, $10 bytes, $11 content
-- SHA-256 (hex), $12 expires at, $13 the object's key.
INSERT INTO reporting.export_files (organization_id, id, token_sha256, job_id, source, format,
    filename, content_type, plant_ids, row_count, size_bytes, sha256, expires_at, object_key)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)

-- name: file_by_token
-- The file a link names, expired or not (the caller tells 410 from 404).
SELECT id, filename, content_type, size_bytes, row_count, expires_at, expires_at <= now() AS expired,
    object_key
FROM reporting.export_files
WHERE organization_id = app.current_org() AND token_sha256 = $1

-- name: file_by_id
SELECT id, filename, content_type, size_bytes, row_count, expires_at, expires_at <= now() AS expired,
    object_key
FROM reporting.export_files
WHERE organization_id = app.current_org() AND id = $1

-- name: chunk
-- One chunk of an unexpired file written before the object store, by sequence number.
SELECT data FROM reporting.export_chunks
WHERE organization_id = app.current_org() AND file_id = $1 AND seq = $2 AND expires_at > now()

-- name: chunk_count
SELECT count(*) FROM reporting.export_chunks
WHERE organization_id = app.current_org() AND file_id = $1
