-- Maintenance facts in, the daily rollup maintained in the same statement.

-- name: lock_day
-- One (day $1, equipment $2) at a time: its replacement reads the row it replaces.
SELECT pg_advisory_xact_lock(
    hashtextextended('reporting.maintenance_day:' || $1::date::text || '/' || $2::uuid::text, 0));

-- name: add_day
-- An equipment's day: $1 day, $2 plant, $3 equipment, $4 planned operating hours,
-- $5 downtime hours, $6 failures, $7 repairs, $8 repair hours, $9 maintenance hours,
-- $10 planned maintenance hours, $11 PM due, $12 PM on time, $13 backlog count,
-- $14 backlog hours, $15 labour cost, $16 parts cost, $17 event id, $18 occurred_at.
-- A newer publication of the same key replaces the fact and the rollup gets new minus
-- old; an older one (out of order) changes nothing. Hold lock_day first. Returns 1 when
-- the fact changed.
WITH old AS (
    SELECT day, plant_id, planned_operating_hours, downtime_hours, failures, repairs,
        repair_hours, maintenance_hours, planned_maintenance_hours, pm_due, pm_on_time,
        backlog_count, backlog_hours, labour_cost, parts_cost
    FROM reporting.maintenance_day_facts
    WHERE organization_id = app.current_org() AND day = $1 AND plant_id = $2
      AND equipment_id = $3
), new AS (
    INSERT INTO reporting.maintenance_day_facts AS f (organization_id, day, plant_id,
        equipment_id, planned_operating_hours, downtime_hours, failures, repairs,
        repair_hours, maintenance_hours, planned_maintenance_hours, pm_due, pm_on_time,
        backlog_count, backlog_hours, labour_cost, parts_cost, event_id, occurred_at)
    VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
        $14, $15, $16, $17, $18)
    ON CONFLICT (organization_id, day, plant_id, equipment_id)
    DO UPDATE SET planned_operating_hours = excluded.planned_operating_hours,
        downtime_hours = excluded.downtime_hours, failures = excluded.failures,
        repairs = excluded.repairs, repair_hours = excluded.repair_hours,
        maintenance_hours = excluded.maintenance_hours,
        planned_maintenance_hours = excluded.planned_maintenance_hours,
        pm_due = excluded.pm_due, pm_on_time = excluded.pm_on_time,
        backlog_count = excluded.backlog_count, backlog_hours = excluded.backlog_hours,
        labour_cost = excluded.labour_cost, parts_cost = excluded.parts_cost,
        event_id = excluded.event_id, occurred_at = excluded.occurred_at,
        received_at = now()
    WHERE (f.occurred_at, f.event_id) < (excluded.occurred_at, excluded.event_id)
    RETURNING day, plant_id, planned_operating_hours, downtime_hours, failures, repairs,
        repair_hours, maintenance_hours, planned_maintenance_hours, pm_due, pm_on_time,
        backlog_count, backlog_hours, labour_cost, parts_cost
), contributions AS (
    SELECT 1 AS sign, * FROM new
    UNION ALL
    SELECT -1 AS sign, * FROM old WHERE EXISTS (SELECT FROM new)
), rollup AS (
    INSERT INTO reporting.maintenance_daily AS r (organization_id, bucket_day, plant_id,
        equipment, planned_operating_hours, downtime_hours, failures, repairs,
        repair_hours, maintenance_hours, planned_maintenance_hours, pm_due, pm_on_time,
        backlog_count, backlog_hours, labour_cost, parts_cost)
    SELECT app.current_org(), day, plant_id, sum(sign), sum(sign * planned_operating_hours),
        sum(sign * downtime_hours), sum(sign * failures), sum(sign * repairs),
        sum(sign * repair_hours), sum(sign * maintenance_hours),
        sum(sign * planned_maintenance_hours), sum(sign * pm_due), sum(sign * pm_on_time),
        sum(sign * backlog_count), sum(sign * backlog_hours), sum(sign * labour_cost),
        sum(sign * parts_cost)
    FROM contributions
    GROUP BY 2, 3
    ON CONFLICT (organization_id, bucket_day, plant_id)
    DO UPDATE SET equipment = r.equipment + excluded.equipment,
        planned_operating_hours = r.planned_operating_hours + excluded.planned_operating_hours,
        downtime_hours = r.downtime_hours + excluded.downtime_hours,
        failures = r.failures + excluded.failures, repairs = r.repairs + excluded.repairs,
        repair_hours = r.repair_hours + excluded.repair_hours,
        maintenance_hours = r.maintenance_hours + excluded.maintenance_hours,
        planned_maintenance_hours
            = r.planned_maintenance_hours + excluded.planned_maintenance_hours,
        pm_due = r.pm_due + excluded.pm_due, pm_on_time = r.pm_on_time + excluded.pm_on_time,
        backlog_count = r.backlog_count + excluded.backlog_count,
        backlog_hours = r.backlog_hours + excluded.backlog_hours,
        labour_cost = r.labour_cost + excluded.labour_cost,
        parts_cost = r.parts_cost + excluded.parts_cost
    RETURNING 1
)
SELECT count(*) FROM new;
