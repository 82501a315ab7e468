-- The maintenance KPIs' reads: the inputs summed per bucket (the ratios are computed from
-- the sums in Python, the way maintenance computes its own).

-- name: kpis
-- Days [$1, $2] summed per $3 ('day', 'week' (ISO, from Monday) or 'month'), $4 plant
-- (null: every one the caller may see), $5 equipment (null: all; then the daily rollup is
-- read, else that equipment's facts). The backlog is a stock: a bucket's is the one of its
-- last day with figures.
WITH days AS (
    SELECT bucket_day AS day, equipment, planned_operating_hours, downtime_hours, failures,
        repairs, repair_hours, maintenance_hours, planned_maintenance_hours, pm_due,
        pm_on_time, backlog_count, backlog_hours, labour_cost, parts_cost
    FROM reporting.maintenance_daily
    WHERE $5::uuid IS NULL AND organization_id = app.current_org()
      AND bucket_day BETWEEN $1 AND $2 AND ($4::uuid IS NULL OR plant_id = $4)
    UNION ALL
    SELECT day, 1, planned_operating_hours, downtime_hours, failures, repairs, repair_hours,
        maintenance_hours, planned_maintenance_hours, pm_due, pm_on_time, backlog_count,
        backlog_hours, labour_cost, parts_cost
    FROM reporting.maintenance_day_facts
    WHERE $5::uuid IS NOT NULL AND organization_id = app.current_org()
      AND day BETWEEN $1 AND $2 AND equipment_id = $5 AND ($4::uuid IS NULL OR plant_id = $4)
), per_day AS (
    SELECT day, sum(planned_operating_hours) AS planned_operating_hours,
        sum(downtime_hours) AS downtime_hours, sum(failures) AS failures,
        sum(repairs) AS repairs, sum(repair_hours) AS repair_hours,
        sum(maintenance_hours) AS maintenance_hours,
        sum(planned_maintenance_hours) AS planned_maintenance_hours, sum(pm_due) AS pm_due,
        sum(pm_on_time) AS pm_on_time, sum(backlog_count) AS backlog_count,
        sum(backlog_hours) AS backlog_hours, sum(labour_cost) AS labour_cost,
        sum(parts_cost) AS parts_cost
    FROM days
    GROUP BY day
    HAVING sum(equipment) > 0
)
SELECT date_trunc($3::text, day::timestamp)::date AS bucket,
    max(day) AS last_day,
    sum(planned_operating_hours) AS planned_operating_hours,
    sum(downtime_hours) AS downtime_hours, sum(failures)::bigint AS failures,
    sum(repairs)::bigint AS repairs, sum(repair_hours) AS repair_hours,
    sum(maintenance_hours) AS maintenance_hours,
    sum(planned_maintenance_hours) AS planned_maintenance_hours,
    sum(pm_due)::bigint AS pm_due, sum(pm_on_time)::bigint AS pm_on_time,
    ((array_agg(backlog_count ORDER BY day DESC))[1])::bigint AS backlog_count,
    (array_agg(backlog_hours ORDER BY day DESC))[1] AS backlog_hours,
    sum(labour_cost) AS labour_cost, sum(parts_cost) AS parts_cost
FROM per_day
GROUP BY 1
ORDER BY 1;
