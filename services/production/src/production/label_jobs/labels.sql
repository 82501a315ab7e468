-- Label files: the PDF in the object store, the row with its key.

-- name: insert
-- A rendered batch: $1 job, $2 filename, $3 label count, $4 size, $5 the object's key.
INSERT INTO production.label_files (organization_id, job_id, filename, label_count, size_bytes,
    object_key)
VALUES (app.current_org(), $1, $2, $3, $4, $5)
RETURNING id;

-- name: get
-- Label file $1, unexpired: where it is (its key; the bytes themselves for a row written
-- before the object store).
SELECT filename, 'application/pdf' AS content_type, size_bytes, object_key, content
FROM production.label_files
WHERE organization_id = app.current_org() AND id = $1 AND expires_at > now();

-- name: expire
-- The organization's label files past their week (a trigger queues their objects).
DELETE FROM production.label_files
WHERE organization_id = app.current_org() AND expires_at < now();
