-- Label files.

-- name: insert
-- A rendered batch: $1 job, $2 filename, $3 label count, $4 content.
INSERT INTO production.label_files (organization_id, job_id, filename, label_count, size_bytes,
    content)
VALUES (app.current_org(), $1, $2, $3, octet_length($4::bytea), $4::bytea)
RETURNING id;

-- name: get
-- Label file $1, unexpired.
SELECT filename, content FROM production.label_files
WHERE organization_id = app.current_org() AND id = $1 AND expires_at > now();
