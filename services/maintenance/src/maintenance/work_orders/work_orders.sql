-- Maintenance work orders, their labour, parts, history.

-- name: next_number
-- The organization's next work order number.
INSERT INTO maintenance.number_ranges (organization_id, kind, next_value)
VALUES (app.current_org(), 'work_order', 2)
ON CONFLICT (organization_id, kind) DO UPDATE
SET next_value = maintenance.number_ranges.next_value + 1
RETURNING next_value - 1;

-- name: insert
-- A work order ($1 plant, $2 number, $3 equipment, $4 kind, $5 priority, $6 title,
-- $7 description, $8 plan, $9 occurrence_key, $10 due_date, $11 machine_down,
-- $12 down_since, $13 downtime_id, $14 meter_id, $15 estimated_minutes, $16 tasks);
-- no row when its occurrence (or the stop it is for) has one already.
INSERT INTO maintenance.work_orders (organization_id, plant_id, number, equipment_id, kind,
    priority, title, description, plan_id, occurrence_key, due_date, machine_down, down_since,
    downtime_id, meter_id, estimated_minutes, tasks)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
        $15, $16::text::jsonb)
ON CONFLICT DO NOTHING
RETURNING id, plant_id, number, equipment_id, kind, status, priority, title, description, plan_id,
    occurrence_key, due_date, machine_down, down_since, downtime_id, meter_id, scheduled_start,
    scheduled_end, started_at, done_at, closed_at, estimated_minutes, tasks::text AS tasks,
    checklist_results::text AS checklist_results, problem_code, cause_code, remedy_code,
    requested_by, version, created_at, updated_at, updated_by;

-- name: get
-- Work order $1.
SELECT id, plant_id, number, equipment_id, kind, status, priority, title, description, plan_id,
    occurrence_key, due_date, machine_down, down_since, downtime_id, meter_id, scheduled_start,
    scheduled_end, started_at, done_at, closed_at, estimated_minutes, tasks::text AS tasks,
    checklist_results::text AS checklist_results, problem_code, cause_code, remedy_code,
    requested_by, version, created_at, updated_at, updated_by
FROM maintenance.work_orders
WHERE organization_id = app.current_org() AND id = $1;

-- name: lock
-- Work order $1, locked for a change.
SELECT id, plant_id, number, equipment_id, kind, status, priority, title, description, plan_id,
    occurrence_key, due_date, machine_down, down_since, downtime_id, meter_id, scheduled_start,
    scheduled_end, started_at, done_at, closed_at, estimated_minutes, tasks::text AS tasks,
    checklist_results::text AS checklist_results, problem_code, cause_code, remedy_code,
    requested_by, version, created_at, updated_at, updated_by
FROM maintenance.work_orders
WHERE organization_id = app.current_org() AND id = $1
FOR UPDATE;

-- name: save
-- Work order $1's changeable fields: $2 status, $3 priority, $4 title, $5 description,
-- $6 due_date, $7 scheduled_start, $8 scheduled_end, $9 started_at, $10 done_at,
-- $11 closed_at, $12 checklist_results, $13 problem, $14 cause, $15 remedy, $16 down_since,
-- $17 downtime_id; bumps the version.
UPDATE maintenance.work_orders
SET status = $2, priority = $3, title = $4, description = $5, due_date = $6,
    scheduled_start = $7, scheduled_end = $8, started_at = $9, done_at = $10,
    closed_at = $11, checklist_results = $12::text::jsonb, problem_code = $13,
    cause_code = $14, remedy_code = $15, down_since = $16, downtime_id = $17,
    version = version + 1, updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1
RETURNING id, plant_id, number, equipment_id, kind, status, priority, title, description, plan_id,
    occurrence_key, due_date, machine_down, down_since, downtime_id, meter_id, scheduled_start,
    scheduled_end, started_at, done_at, closed_at, estimated_minutes, tasks::text AS tasks,
    checklist_results::text AS checklist_results, problem_code, cause_code, remedy_code,
    requested_by, version, created_at, updated_at, updated_by;

-- name: open_for_meter
-- An open predictive order of meter $1, if any.
SELECT id FROM maintenance.work_orders
WHERE organization_id = app.current_org() AND meter_id = $1 AND kind = 'predictive'
  AND status NOT IN ('done', 'closed', 'cancelled')
LIMIT 1;

-- name: by_downtime
-- The open order of production's stop $1, locked.
SELECT id, plant_id, number, equipment_id, kind, status, priority, title, description, plan_id,
    occurrence_key, due_date, machine_down, down_since, downtime_id, meter_id, scheduled_start,
    scheduled_end, started_at, done_at, closed_at, estimated_minutes, tasks::text AS tasks,
    checklist_results::text AS checklist_results, problem_code, cause_code, remedy_code,
    requested_by, version, created_at, updated_at, updated_by
FROM maintenance.work_orders
WHERE organization_id = app.current_org() AND downtime_id = $1
  AND status NOT IN ('closed', 'cancelled')
FOR UPDATE;

-- name: page
-- Orders: $1 plant, $2 equipment, $3 status, $4 kind (each null: any), only open when $5,
-- newest first before $6, at most $7.
SELECT id, plant_id, number, equipment_id, kind, status, priority, title, description, plan_id,
    occurrence_key, due_date, machine_down, down_since, downtime_id, meter_id, scheduled_start,
    scheduled_end, started_at, done_at, closed_at, estimated_minutes, tasks::text AS tasks,
    checklist_results::text AS checklist_results, problem_code, cause_code, remedy_code,
    requested_by, version, created_at, updated_at, updated_by
FROM maintenance.work_orders
WHERE organization_id = app.current_org()
  AND ($1::uuid IS NULL OR plant_id = $1)
  AND ($2::uuid IS NULL OR equipment_id = $2)
  AND ($3::text IS NULL OR status = $3)
  AND ($4::text IS NULL OR kind = $4)
  AND (NOT $5 OR status NOT IN ('closed', 'cancelled'))
  AND ($6::uuid IS NULL OR id < $6)
ORDER BY id DESC
LIMIT $7;

-- name: status_change
-- History of order $1 (plant $2): $3 from, $4 to, $5 reason.
INSERT INTO maintenance.status_changes (organization_id, plant_id, work_order_id, from_status,
    to_status, reason)
VALUES (app.current_org(), $2, $1, $3, $4, $5);

-- name: history
-- Order $1's history, oldest first.
SELECT id, from_status, to_status, reason, changed_at, changed_by
FROM maintenance.status_changes
WHERE organization_id = app.current_org() AND work_order_id = $1
ORDER BY id;

-- name: labour_insert
-- Labour on order $1 (plant $2): $3 technician, $4 started, $5 ended, $6 rate, $7 note.
INSERT INTO maintenance.work_order_labour (organization_id, plant_id, work_order_id, technician,
    started_at, ended_at, hourly_rate, note)
VALUES (app.current_org(), $2, $1, $3, $4, $5, $6, $7)
RETURNING id, work_order_id, technician, started_at, ended_at, hourly_rate, note;

-- name: labour
-- Order $1's labour in start order.
SELECT id, work_order_id, technician, started_at, ended_at, hourly_rate, note
FROM maintenance.work_order_labour
WHERE organization_id = app.current_org() AND work_order_id = $1
ORDER BY started_at, id;

-- name: labour_delete
-- Labour entry $2 of order $1.
DELETE FROM maintenance.work_order_labour
WHERE organization_id = app.current_org() AND work_order_id = $1 AND id = $2
RETURNING id;

-- name: part_request_insert
-- A part request $1 of order $2 (plant $3).
INSERT INTO maintenance.part_requests (organization_id, id, plant_id, work_order_id)
VALUES (app.current_org(), $1, $3, $2)
RETURNING id, work_order_id, status, value, movement_ids, error, requested_at, settled_at;

-- name: part_lines_insert
-- Lines of request $1 (plant $2), arrays: $3 material, $4 quantity, $5 unit, $6 location,
-- $7 lot.
INSERT INTO maintenance.work_order_parts (organization_id, request_id, line_no, plant_id,
    material_id, quantity, unit, location_id, lot)
SELECT app.current_org(), $1, n, $2, m, q, u, l, t
FROM unnest($3::uuid[], $4::numeric[], $5::text[], $6::uuid[], $7::text[])
     WITH ORDINALITY AS x(m, q, u, l, t, n);

-- name: part_requests
-- Order $1's part requests with their lines (JSON), oldest first.
SELECT r.id, r.work_order_id, r.status, r.value, r.movement_ids, r.error, r.requested_at,
    r.settled_at,
    (SELECT coalesce(json_agg(json_build_object('material_id', p.material_id,
         'quantity', p.quantity, 'unit', p.unit, 'location_id', p.location_id, 'lot', p.lot)
         ORDER BY p.line_no), '[]')::text
     FROM maintenance.work_order_parts p
     WHERE p.organization_id = r.organization_id AND p.request_id = r.id) AS lines
FROM maintenance.part_requests r
WHERE r.organization_id = app.current_org() AND r.work_order_id = $1
ORDER BY r.id;

-- name: part_request_settle
-- Inventory answered request $1: $2 status, $3 value, $4 movement ids, $5 error; an issued
-- one stays issued (a late duplicate answer changes nothing).
UPDATE maintenance.part_requests
SET status = $2, value = $3, movement_ids = $4, error = $5, settled_at = now()
WHERE organization_id = app.current_org() AND id = $1 AND status <> 'issued'
RETURNING work_order_id;
