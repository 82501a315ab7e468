-- The rebuild of the quality rollups: days recomputed from the day figures, set-based,
-- by the same rules as facts.sql (a test proves both give the same rows).

-- name: delete_quality_daily
-- FPY rows of the current organization in days [$1, $2].
DELETE FROM reporting.quality_daily
WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2;

-- name: delete_defect_daily
-- Defect rows of the current organization in days [$1, $2].
DELETE FROM reporting.defect_daily
WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2;

-- name: rebuild_quality_daily
-- FPY rows of days [$1, $2] from the day figures. Returns the rows written.
WITH written AS (
    INSERT INTO reporting.quality_daily (organization_id, bucket_day, plant_id, material_id,
        figures, inspected, passed_first_time)
    SELECT app.current_org(), day, plant_id, material_id, count(*), sum(inspected),
        sum(passed_first_time)
    FROM reporting.quality_day_facts
    WHERE organization_id = app.current_org() AND day BETWEEN $1 AND $2
    GROUP BY 2, 3, 4
    RETURNING 1
)
SELECT count(*) FROM written;

-- name: rebuild_defect_daily
-- Defect rows of days [$1, $2] from the day figures. Returns the rows written.
WITH written AS (
    INSERT INTO reporting.defect_daily (organization_id, bucket_day, plant_id, code, count)
    SELECT app.current_org(), f.day, f.plant_id, d.code, sum(d.count)
    FROM reporting.quality_day_facts f
    CROSS JOIN LATERAL unnest(f.defect_codes, f.defect_counts) AS d (code, count)
    WHERE f.organization_id = app.current_org() AND f.day BETWEEN $1 AND $2
    GROUP BY 2, 3, 4
    RETURNING 1
)
SELECT count(*) FROM written;

-- name: delete_inspection_daily
-- Decision rows of the current organization in days [$1, $2].
DELETE FROM reporting.inspection_daily
WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2;

-- name: rebuild_inspection_daily
-- Decision rows of days [$1, $2] (UTC) from the decisions. Returns the rows written.
WITH written AS (
    INSERT INTO reporting.inspection_daily (organization_id, bucket_day, plant_id,
        material_id, work_center_key, lots, lots_passed, inspected, passed_first_time,
        rejected)
    SELECT app.current_org(), (decided_at AT TIME ZONE 'UTC')::date, plant_id, material_id,
        work_center_key, count(*), count(*) FILTER (WHERE decision = 'accepted'),
        sum(accepted_quantity + rejected_quantity),
        coalesce(sum(accepted_quantity + rejected_quantity)
                 FILTER (WHERE decision = 'accepted'), 0),
        sum(rejected_quantity)
    FROM reporting.inspection_facts
    WHERE organization_id = app.current_org()
      AND decided_at >= ($1::date)::timestamp AT TIME ZONE 'UTC'
      AND decided_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'
    GROUP BY 2, 3, 4, 5
    RETURNING 1
)
SELECT count(*) FROM written;
