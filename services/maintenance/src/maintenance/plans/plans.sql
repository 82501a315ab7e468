-- PM plans.

-- name: insert
-- A plan ($1 plant, $2 equipment, $3 name, $4 calendar_interval, $5 calendar_unit,
-- $6 calendar_mode, $7 calendar_anchor, $8 meter, $9 usage_interval, $10 usage_anchor,
-- $11 usage_anchor_at, $12 lead_time_days, $13 machine_down, $14 tasks, $15 minutes,
-- $16 active).
INSERT INTO maintenance.pm_plans (organization_id, plant_id, equipment_id, name,
    calendar_interval, calendar_unit, calendar_mode, calendar_anchor, meter_id, usage_interval,
    usage_anchor, usage_anchor_at, lead_time_days, machine_down, tasks, estimated_minutes, active)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
        $14::text::jsonb, $15, $16)
RETURNING id, plant_id, equipment_id, name, calendar_interval, calendar_unit, calendar_mode,
    calendar_anchor, meter_id, usage_interval, usage_anchor, usage_anchor_at, lead_time_days,
    machine_down, tasks::text AS tasks, estimated_minutes, last_completed_on, last_due_date,
    active, version, created_at, updated_at;

-- name: get
-- Plan $1 ($2 ignored; see lock).
SELECT id, plant_id, equipment_id, name, calendar_interval, calendar_unit, calendar_mode,
    calendar_anchor, meter_id, usage_interval, usage_anchor, usage_anchor_at, lead_time_days,
    machine_down, tasks::text AS tasks, estimated_minutes, last_completed_on, last_due_date,
    active, version, created_at, updated_at FROM maintenance.pm_plans
WHERE organization_id = app.current_org() AND id = $1;

-- name: lock
-- Plan $1, locked.
SELECT id, plant_id, equipment_id, name, calendar_interval, calendar_unit, calendar_mode,
    calendar_anchor, meter_id, usage_interval, usage_anchor, usage_anchor_at, lead_time_days,
    machine_down, tasks::text AS tasks, estimated_minutes, last_completed_on, last_due_date,
    active, version, created_at, updated_at FROM maintenance.pm_plans
WHERE organization_id = app.current_org() AND id = $1
FOR UPDATE;

-- name: replace
-- Plan $1's content ($2 name, $3 calendar_interval, $4 calendar_unit, $5 calendar_mode,
-- $6 calendar_anchor, $7 meter, $8 usage_interval, $9 usage_anchor, $10 usage_anchor_at,
-- $11 lead_time_days, $12 machine_down, $13 tasks, $14 minutes, $15 active); bumps the
-- version.
UPDATE maintenance.pm_plans
SET name = $2, calendar_interval = $3, calendar_unit = $4, calendar_mode = $5,
    calendar_anchor = $6, meter_id = $7, usage_interval = $8, usage_anchor = $9,
    usage_anchor_at = $10, lead_time_days = $11, machine_down = $12, tasks = $13::text::jsonb,
    estimated_minutes = $14, active = $15, version = version + 1, updated_at = now(),
    updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1
RETURNING id, plant_id, equipment_id, name, calendar_interval, calendar_unit, calendar_mode,
    calendar_anchor, meter_id, usage_interval, usage_anchor, usage_anchor_at, lead_time_days,
    machine_down, tasks::text AS tasks, estimated_minutes, last_completed_on, last_due_date,
    active, version, created_at, updated_at;

-- name: delete
-- Plan $1; fails on a foreign key once it made work orders.
DELETE FROM maintenance.pm_plans
WHERE organization_id = app.current_org() AND id = $1
RETURNING id;

-- name: complete
-- Plan $1's work was done on $2 (for due date $3): its next cycle starts, the usage one
-- from the meter's total now.
UPDATE maintenance.pm_plans p
SET last_completed_on = $2::date, last_due_date = coalesce($3, p.last_due_date),
    usage_anchor = coalesce((SELECT m.total_usage FROM maintenance.meters m
                             WHERE m.organization_id = p.organization_id AND m.id = p.meter_id),
                            p.usage_anchor),
    usage_anchor_at = CASE WHEN p.meter_id IS NULL THEN p.usage_anchor_at ELSE $2 END
WHERE organization_id = app.current_org() AND id = $1;

-- name: page
-- Plans of equipment $1 (null: any) in plant $2 (null: any), in creation order after $3,
-- at most $4.
SELECT id, plant_id, equipment_id, name, calendar_interval, calendar_unit, calendar_mode,
    calendar_anchor, meter_id, usage_interval, usage_anchor, usage_anchor_at, lead_time_days,
    machine_down, tasks::text AS tasks, estimated_minutes, last_completed_on, last_due_date,
    active, version, created_at, updated_at FROM maintenance.pm_plans
WHERE organization_id = app.current_org()
  AND ($1::uuid IS NULL OR equipment_id = $1)
  AND ($2::uuid IS NULL OR plant_id = $2)
  AND ($3::uuid IS NULL OR id > $3)
ORDER BY id
LIMIT $4;

-- name: active_page
-- Active plans with what generation needs of their meter (total usage, last reading, the
-- average daily usage of the last 30 days), in id order after $1, at most $2.
SELECT p.id, p.plant_id, p.equipment_id, p.name, p.calendar_interval, p.calendar_unit,
    p.calendar_mode, p.calendar_anchor, p.meter_id, p.usage_interval, p.usage_anchor,
    p.usage_anchor_at, p.lead_time_days, p.machine_down, p.tasks::text AS tasks,
    p.estimated_minutes, p.last_completed_on, p.last_due_date, p.active, p.version,
    p.created_at, p.updated_at,
    m.total_usage, m.last_read_at,
    (SELECT sum(r.usage) / 30 FROM maintenance.meter_readings r
     WHERE r.organization_id = p.organization_id AND r.meter_id = p.meter_id
       AND r.read_at >= now() - interval '30 days') AS daily_usage,
    EXISTS (SELECT 1 FROM maintenance.work_orders w
            WHERE w.organization_id = p.organization_id AND w.plan_id = p.id
              AND w.status NOT IN ('done', 'closed', 'cancelled')) AS has_open_order
FROM maintenance.pm_plans p
LEFT JOIN maintenance.meters m ON m.organization_id = p.organization_id AND m.id = p.meter_id
WHERE p.organization_id = app.current_org() AND p.active
  AND ($1::uuid IS NULL OR p.id > $1)
  AND ($3::uuid IS NULL OR p.meter_id = $3)
ORDER BY p.id
LIMIT $2;
