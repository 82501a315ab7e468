-- The archive's records, and the bytes of files archived before the object store (until
-- the sweep moves them). Every block runs in a transaction scoped to one organization
-- (RLS forced on both tables).

-- name: candidates
-- The organization's rows in fact partitions ending on or before $1 (SECURITY DEFINER:
-- partitions carry no grant).
SELECT fact_table, partition_name, range_start, range_end, org_rows, plant_ids,
    partition_bytes, archived_rows
FROM reporting.archive_candidates($1)
ORDER BY range_start, fact_table;

-- name: overlapping
-- Archived months of any fact table overlapping [$1, $2).
SELECT fact_table, range_start, range_end, object_key
FROM reporting.fact_archives
WHERE organization_id = app.current_org() AND range_end > $1 AND range_start < $2
ORDER BY fact_table, range_start;

-- name: previous_key
-- The file a month was archived to before, locked until it is replaced.
SELECT object_key FROM reporting.fact_archives
WHERE organization_id = app.current_org() AND fact_table = $1 AND range_start = $2
FOR UPDATE;

-- name: record
-- $1 fact table, $2, $3 the month's bounds, $4 partition, $5 key, $6 rows, $7 Parquet
-- bytes, $8 the partition's size in PostgreSQL.
INSERT INTO reporting.fact_archives (organization_id, fact_table, range_start, range_end,
    partition_name, object_key, rows, parquet_bytes, partition_bytes)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (organization_id, fact_table, range_start) DO UPDATE
SET range_end = excluded.range_end, partition_name = excluded.partition_name,
    object_key = excluded.object_key, rows = excluded.rows,
    parquet_bytes = excluded.parquet_bytes, partition_bytes = excluded.partition_bytes,
    archived_at = now();

-- name: drop_partition
-- Detach and drop partition $1 if every organization's rows in it are archived.
SELECT reporting.drop_archived_partition($1);

-- name: get_object
SELECT content FROM reporting.archive_objects
WHERE organization_id = app.current_org() AND key = $1;

-- name: delete_object
DELETE FROM reporting.archive_objects
WHERE organization_id = app.current_org() AND key = $1;
