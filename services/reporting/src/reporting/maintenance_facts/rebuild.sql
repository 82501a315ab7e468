-- The rebuild of the maintenance rollup: days recomputed from the day facts, set-based,
-- by the same sums as facts.sql (a test proves both give the same rows).

-- name: delete_maintenance_daily
-- Rollup rows of the current organization in days [$1, $2].
DELETE FROM reporting.maintenance_daily
WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2;

-- name: rebuild_maintenance_daily
-- Rollup rows of days [$1, $2] from the day facts. Returns the rows written.
WITH written AS (
    INSERT INTO reporting.maintenance_daily (organization_id, bucket_day, plant_id,
        equipment, planned_operating_hours, downtime_hours, failures, repairs,
        repair_hours, maintenance_hours, planned_maintenance_hours, pm_due, pm_on_time,
        backlog_count, backlog_hours, labour_cost, parts_cost)
    SELECT app.current_org(), day, plant_id, count(*), sum(planned_operating_hours),
        sum(downtime_hours), sum(failures), sum(repairs), sum(repair_hours),
        sum(maintenance_hours), sum(planned_maintenance_hours), sum(pm_due),
        sum(pm_on_time), sum(backlog_count), sum(backlog_hours), sum(labour_cost),
        sum(parts_cost)
    FROM reporting.maintenance_day_facts
    WHERE organization_id = app.current_org() AND day BETWEEN $1 AND $2
    GROUP BY 2, 3
    RETURNING 1
)
SELECT count(*) FROM written;
