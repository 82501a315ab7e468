-- Work centers.

-- name: insert
-- A work center ($1 plant, $2 code, $3 name, $4 line, $5 calendar, $6 capacity_units,
-- $7 efficiency, $8 cost_rate, $9 minor_stop_seconds, $10 equipment_id, $11 status); no
-- row when the code is taken in the plant.
INSERT INTO production.work_centers (organization_id, plant_id, code, name, line, calendar_id,
    capacity_units, efficiency, cost_rate, minor_stop_seconds, equipment_id, status)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (organization_id, plant_id, code) DO NOTHING
RETURNING id, plant_id, code, name, line, calendar_id, capacity_units, efficiency, cost_rate,
    minor_stop_seconds, equipment_id, status, version, created_at, created_by, updated_at,
    updated_by;

-- name: get
-- Work center $1.
SELECT id, plant_id, code, name, line, calendar_id, capacity_units, efficiency, cost_rate,
    minor_stop_seconds, equipment_id, status, version, created_at, created_by, updated_at,
    updated_by
FROM production.work_centers
WHERE organization_id = app.current_org() AND id = $1;

-- name: get_many
-- Work centers by id ($1 uuid[]).
SELECT id, plant_id, code, name, line, calendar_id, capacity_units, efficiency, cost_rate,
    minor_stop_seconds, equipment_id, status, version, created_at, created_by, updated_at,
    updated_by
FROM production.work_centers
WHERE organization_id = app.current_org() AND id = ANY($1::uuid[]);

-- name: lock
-- Work center $1, locked for a change.
SELECT id, plant_id, code, name, line, calendar_id, capacity_units, efficiency, cost_rate,
    minor_stop_seconds, equipment_id, status, version, created_at, created_by, updated_at,
    updated_by
FROM production.work_centers
WHERE organization_id = app.current_org() AND id = $1
FOR UPDATE;

-- name: update
-- Replace the changeable fields of work center $1 ($2 name, $3 line, $4 calendar,
-- $5 capacity_units, $6 efficiency, $7 cost_rate, $8 minor_stop_seconds, $9 equipment_id,
-- $10 status) and bump its version.
UPDATE production.work_centers
SET name = $2, line = $3, calendar_id = $4, capacity_units = $5, efficiency = $6,
    cost_rate = $7, minor_stop_seconds = $8, equipment_id = $9, status = $10,
    version = version + 1, updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1
RETURNING id, plant_id, code, name, line, calendar_id, capacity_units, efficiency, cost_rate,
    minor_stop_seconds, equipment_id, status, version, created_at, created_by, updated_at,
    updated_by;

-- name: delete
-- Work center $1; fails on a foreign key while routings, orders or logs name it.
DELETE FROM production.work_centers
WHERE organization_id = app.current_org() AND id = $1
RETURNING id;

-- name: page
-- Work centers of plant $1 (null: every plant of the token), optionally of line $2 and
-- status $3, in (plant, code) order after ($4 plant, $5 code), at most $6.
SELECT id, plant_id, code, name, line, calendar_id, capacity_units, efficiency, cost_rate,
    minor_stop_seconds, equipment_id, status, version, created_at, created_by, updated_at,
    updated_by
FROM production.work_centers
WHERE organization_id = app.current_org()
  AND ($1::uuid IS NULL OR plant_id = $1)
  AND ($2::text IS NULL OR line = $2)
  AND ($3::text IS NULL OR status = $3)
  AND ($4::uuid IS NULL OR (plant_id, code) > ($4, $5::text))
ORDER BY plant_id, code
LIMIT $6;

-- name: by_equipment
-- The work centers of equipment $1 (maintenance's id).
SELECT id, plant_id, code, name, line, calendar_id, capacity_units, efficiency, cost_rate,
    minor_stop_seconds, equipment_id, status, version, created_at, created_by, updated_at,
    updated_by
FROM production.work_centers
WHERE organization_id = app.current_org() AND equipment_id = $1;

-- name: all_active
-- Every active work center in the transaction's plants.
SELECT id, plant_id, code, name, line, calendar_id, capacity_units, efficiency, cost_rate,
    minor_stop_seconds, equipment_id, status, version, created_at, created_by, updated_at,
    updated_by
FROM production.work_centers
WHERE organization_id = app.current_org() AND status = 'active'
ORDER BY plant_id, code;

-- name: set_equipment
-- Work center $1 is maintenance's equipment $2.
UPDATE production.work_centers
SET equipment_id = $2, version = version + 1, updated_at = now(),
    updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1;
