-- What the object sweep runs in a service's schema ({schema}: the service's own, checked
-- to be an identifier). Every schema with stored files has the same two things: the queue
-- of objects whose rows were deleted (filled by a trigger in the deleting transaction)
-- and a function that says which keys still have a row.

-- name: queued
-- Keys queued for deletion in the current organization, oldest first; $1 how many.
SELECT object_key FROM {schema}.object_deletions
WHERE organization_id = app.current_org()
ORDER BY queued_at, object_key
LIMIT $1;

-- name: dequeue
-- Keys $1 deleted from the store: off the queue.
DELETE FROM {schema}.object_deletions
WHERE organization_id = app.current_org() AND object_key = ANY($1::text[]);

-- name: present
-- Which of keys $1 a row of the current organization points to (or is queued): every
-- plant's, which the caller's scope could not see (a SECURITY DEFINER function).
SELECT object_key FROM {schema}.object_keys_present($1::text[]) AS object_key;

-- name: legacy
-- Up to $1 rows of the current organization that still hold their bytes (written before
-- the object store), in every plant (SECURITY DEFINER).
SELECT id, content_type, content FROM {schema}.legacy_files($1);

-- name: legacy_stored
-- Row $1's bytes swapped for key $2; null when the row is gone or was moved meanwhile.
SELECT {schema}.legacy_file_stored($1, $2);
