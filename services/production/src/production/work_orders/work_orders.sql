-- Work orders, their operations, components and status history.

-- name: next_number
-- The organization's next work order number (a counter row per kind).
INSERT INTO production.number_ranges (organization_id, kind, next_value)
VALUES (app.current_org(), 'work_order', 2)
ON CONFLICT (organization_id, kind) DO UPDATE
SET next_value = production.number_ranges.next_value + 1
RETURNING next_value - 1;

-- name: insert
-- A work order ($1 plant, $2 number, $3 material, $4 quantity, $5 unit, $6 routing,
-- $7 source, $8 priority, $9 release_at, $10 due_at, $11 output_location_id,
-- $12 output_lot, $13 note, $14 sap_order_type); no row when the number is taken.
INSERT INTO production.work_orders (organization_id, plant_id, number, material_id, quantity,
    unit, routing_id, source, priority, release_at, due_at, output_location_id, output_lot,
    note, sap_order_type)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT (organization_id, number) DO NOTHING
RETURNING id;

-- name: operations_insert
-- Operations of order $1 (plant $2) from arrays: $3 operation_no, $4 description,
-- $5 work_center_id, $6 alternatives (json), $7 setup_seconds, $8 cycle_seconds,
-- $9 predecessors (json), $10 inspection_required, $11 consumption, $12 reports_output.
INSERT INTO production.work_order_operations (organization_id, work_order_id, plant_id,
    operation_no, description, work_center_id, alternative_work_center_ids, setup_seconds,
    cycle_seconds, predecessors, inspection_required, consumption, reports_output)
SELECT app.current_org(), $1, $2, n, d, w,
    ARRAY(SELECT jsonb_array_elements_text(a::jsonb))::uuid[], s, c,
    ARRAY(SELECT jsonb_array_elements_text(p::jsonb))::integer[], i, m, o
FROM unnest($3::integer[], $4::text[], $5::uuid[], $6::text[], $7::integer[], $8::numeric[],
            $9::text[], $10::boolean[], $11::text[], $12::boolean[])
     AS u(n, d, w, a, s, c, p, i, m, o);

-- name: components_delete
-- Remove them, before components_insert writes the new ones (a data-modifying CTE would not
-- see its own delete).
DELETE FROM production.work_order_components
WHERE organization_id = app.current_org() AND work_order_id = $1;

-- name: components_insert
-- Components of order $1 (plant $2) become the arrays: $3 line_no, $4 material,
-- $5 operation_no, $6 quantity, $7 unit, $8 backflush, $9 by_product,
-- $10 issue_location_id, $11 lot.
INSERT INTO production.work_order_components (organization_id, work_order_id, plant_id,
    line_no, material_id, operation_no, quantity, unit, backflush, by_product,
    issue_location_id, lot)
SELECT app.current_org(), $1, $2, l, m, o, q, u, b, p, loc, lot
FROM unnest($3::integer[], $4::uuid[], $5::integer[], $6::numeric[], $7::text[],
            $8::boolean[], $9::boolean[], $10::uuid[], $11::text[])
     AS t(l, m, o, q, u, b, p, loc, lot);

-- name: full
-- Work order $1 with its operations and components as JSON: one round trip.
SELECT o.id, o.plant_id, o.number, o.material_id, o.quantity, o.unit, o.routing_id, o.source, o.status,
    o.held_from, o.priority, o.release_at, o.due_at, o.output_location_id, o.output_lot,
    o.good_quantity, o.scrap_quantity, o.scheduled_start, o.scheduled_end, o.actual_start,
    o.actual_end, o.note, o.version, o.created_at, o.created_by, o.updated_at, o.updated_by,
    (SELECT coalesce(json_agg(json_build_object(
        'operation_no', op.operation_no, 'description', op.description,
        'work_center_id', op.work_center_id,
        'alternative_work_center_ids', op.alternative_work_center_ids,
        'setup_seconds', op.setup_seconds, 'cycle_seconds', op.cycle_seconds,
        'predecessors', op.predecessors, 'inspection_required', op.inspection_required,
        'consumption', op.consumption, 'reports_output', op.reports_output,
        'status', op.status, 'active_work_center_id', op.active_work_center_id,
        'good_quantity', op.good_quantity, 'scrap_quantity', op.scrap_quantity,
        'rework_quantity', op.rework_quantity, 'started_at', op.started_at,
        'finished_at', op.finished_at, 'phase_started_at', op.phase_started_at,
        'paused_from', op.paused_from, 'scheduled_work_center_id', op.scheduled_work_center_id,
        'scheduled_start', op.scheduled_start, 'scheduled_end', op.scheduled_end,
        'version', op.version) ORDER BY op.operation_no), '[]')::text
     FROM production.work_order_operations op
     WHERE op.organization_id = o.organization_id AND op.work_order_id = o.id) AS operations,
    (SELECT coalesce(json_agg(json_build_object(
        'line_no', c.line_no, 'material_id', c.material_id, 'operation_no', c.operation_no,
        'quantity', c.quantity, 'unit', c.unit, 'backflush', c.backflush,
        'by_product', c.by_product, 'issue_location_id', c.issue_location_id, 'lot', c.lot,
        'issued_quantity', c.issued_quantity) ORDER BY c.line_no), '[]')::text
     FROM production.work_order_components c
     WHERE c.organization_id = o.organization_id AND c.work_order_id = o.id) AS components
FROM production.work_orders o
WHERE o.organization_id = app.current_org() AND o.id = $1;

-- name: full_lock
-- The same, the order locked (the operations and components are the order's: its lock
-- covers them).
SELECT o.id, o.plant_id, o.number, o.material_id, o.quantity, o.unit, o.routing_id, o.source, o.status,
    o.held_from, o.priority, o.release_at, o.due_at, o.output_location_id, o.output_lot,
    o.good_quantity, o.scrap_quantity, o.scheduled_start, o.scheduled_end, o.actual_start,
    o.actual_end, o.note, o.version, o.created_at, o.created_by, o.updated_at, o.updated_by,
    (SELECT coalesce(json_agg(json_build_object(
        'operation_no', op.operation_no, 'description', op.description,
        'work_center_id', op.work_center_id,
        'alternative_work_center_ids', op.alternative_work_center_ids,
        'setup_seconds', op.setup_seconds, 'cycle_seconds', op.cycle_seconds,
        'predecessors', op.predecessors, 'inspection_required', op.inspection_required,
        'consumption', op.consumption, 'reports_output', op.reports_output,
        'status', op.status, 'active_work_center_id', op.active_work_center_id,
        'good_quantity', op.good_quantity, 'scrap_quantity', op.scrap_quantity,
        'rework_quantity', op.rework_quantity, 'started_at', op.started_at,
        'finished_at', op.finished_at, 'phase_started_at', op.phase_started_at,
        'paused_from', op.paused_from, 'scheduled_work_center_id', op.scheduled_work_center_id,
        'scheduled_start', op.scheduled_start, 'scheduled_end', op.scheduled_end,
        'version', op.version) ORDER BY op.operation_no), '[]')::text
     FROM production.work_order_operations op
     WHERE op.organization_id = o.organization_id AND op.work_order_id = o.id) AS operations,
    (SELECT coalesce(json_agg(json_build_object(
        'line_no', c.line_no, 'material_id', c.material_id, 'operation_no', c.operation_no,
        'quantity', c.quantity, 'unit', c.unit, 'backflush', c.backflush,
        'by_product', c.by_product, 'issue_location_id', c.issue_location_id, 'lot', c.lot,
        'issued_quantity', c.issued_quantity) ORDER BY c.line_no), '[]')::text
     FROM production.work_order_components c
     WHERE c.organization_id = o.organization_id AND c.work_order_id = o.id) AS components
FROM production.work_orders o
WHERE o.organization_id = app.current_org() AND o.id = $1
FOR UPDATE OF o;

-- name: header
-- Work order $1 ($2: lock it).
SELECT id, plant_id, number, material_id, quantity, unit, routing_id, source, status,
    held_from, priority, release_at, due_at, output_location_id, output_lot, good_quantity,
    scrap_quantity, scheduled_start, scheduled_end, actual_start, actual_end, note, version,
    created_at, created_by, updated_at, updated_by
FROM production.work_orders
WHERE organization_id = app.current_org() AND id = $1;

-- name: header_lock
-- Work order $1, locked: every change of an order and its operations takes this lock
-- first, so the order's counters and statuses change in one order.
SELECT id, plant_id, number, material_id, quantity, unit, routing_id, source, status,
    held_from, priority, release_at, due_at, output_location_id, output_lot, good_quantity,
    scrap_quantity, scheduled_start, scheduled_end, actual_start, actual_end, note, version,
    created_at, created_by, updated_at, updated_by
FROM production.work_orders
WHERE organization_id = app.current_org() AND id = $1
FOR UPDATE;

-- name: headers_many
-- Work orders by id ($1 uuid[]).
SELECT id, plant_id, number, material_id, quantity, unit, routing_id, source, status,
    held_from, priority, release_at, due_at, output_location_id, output_lot, good_quantity,
    scrap_quantity, scheduled_start, scheduled_end, actual_start, actual_end, note, version,
    created_at, created_by, updated_at, updated_by
FROM production.work_orders
WHERE organization_id = app.current_org() AND id = ANY($1::uuid[]);

-- name: by_number
-- The id of work order number $1.
SELECT id FROM production.work_orders
WHERE organization_id = app.current_org() AND number = $1;

-- name: operations
-- Operations of orders $1 (uuid[]) in number order.
SELECT work_order_id, operation_no, description, work_center_id, alternative_work_center_ids,
    setup_seconds, cycle_seconds, predecessors, inspection_required, consumption,
    reports_output, status, active_work_center_id, good_quantity, scrap_quantity,
    rework_quantity, started_at, finished_at, phase_started_at, paused_from,
    scheduled_work_center_id, scheduled_start, scheduled_end, version
FROM production.work_order_operations
WHERE organization_id = app.current_org() AND work_order_id = ANY($1::uuid[])
ORDER BY work_order_id, operation_no;

-- name: components
-- Components of orders $1 (uuid[]) in line order.
SELECT work_order_id, line_no, material_id, operation_no, quantity, unit, backflush,
    by_product, issue_location_id, lot, issued_quantity
FROM production.work_order_components
WHERE organization_id = app.current_org() AND work_order_id = ANY($1::uuid[])
ORDER BY work_order_id, line_no;

-- name: update
-- Work order $1's plannable fields: $2 quantity, $3 due_at, $4 release_at, $5 priority,
-- $6 output_location_id, $7 output_lot, $8 note; bumps the version.
UPDATE production.work_orders
SET quantity = $2, due_at = $3, release_at = $4, priority = $5, output_location_id = $6,
    output_lot = $7, note = $8, version = version + 1, updated_at = now(),
    updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1;

-- name: components_scale
-- A draft's quantity changed from $3 to $2: its components follow in proportion.
UPDATE production.work_order_components
SET quantity = trim_scale(round(quantity * $2::numeric / $3::numeric, 9))
WHERE organization_id = app.current_org() AND work_order_id = $1;

-- name: set_status
-- Work order $1 moves to $2 (held_from $3); actual start/end are set once, when first
-- reached. Bumps the version.
UPDATE production.work_orders
SET status = $2, held_from = $3,
    actual_start = CASE WHEN $2 = 'in_progress' THEN coalesce(actual_start, now())
                        ELSE actual_start END,
    actual_end = CASE WHEN $2 IN ('completed', 'closed', 'cancelled')
                      THEN coalesce(actual_end, now()) ELSE actual_end END,
    version = version + 1, updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1;

-- name: status_change_insert
-- History: order $1 (plant $2), operation $3 (null: the order), $4 from, $5 to, $6 reason,
-- $7 request id.
INSERT INTO production.status_changes (organization_id, plant_id, work_order_id, operation_no,
    from_status, to_status, reason, request_id)
VALUES (app.current_org(), $2, $1, $3, $4, $5, $6, $7);

-- name: history
-- Order $1's status changes, oldest first, after $2, at most $3.
SELECT id, operation_no, from_status, to_status, reason, changed_at, changed_by
FROM production.status_changes
WHERE organization_id = app.current_org() AND work_order_id = $1
  AND ($2::uuid IS NULL OR id > $2)
ORDER BY id
LIMIT $3;

-- name: page
-- Orders: $1 plant, $2 status, $3 material (each null: any), in creation order after $4,
-- at most $5.
SELECT id, plant_id, number, material_id, quantity, unit, routing_id, source, status,
    held_from, priority, release_at, due_at, output_location_id, output_lot, good_quantity,
    scrap_quantity, scheduled_start, scheduled_end, actual_start, actual_end, note, version,
    created_at, created_by, updated_at, updated_by
FROM production.work_orders
WHERE organization_id = app.current_org()
  AND ($1::uuid IS NULL OR plant_id = $1)
  AND ($2::text IS NULL OR status = $2)
  AND ($3::uuid IS NULL OR material_id = $3)
  AND ($4::uuid IS NULL OR id > $4)
ORDER BY id
LIMIT $5;

-- name: page_by_due
-- Open orders of plant $1 by due date (the planner's list), after ($2 due_at, $3 id),
-- at most $4.
SELECT id, plant_id, number, material_id, quantity, unit, routing_id, source, status,
    held_from, priority, release_at, due_at, output_location_id, output_lot, good_quantity,
    scrap_quantity, scheduled_start, scheduled_end, actual_start, actual_end, note, version,
    created_at, created_by, updated_at, updated_by
FROM production.work_orders
WHERE organization_id = app.current_org() AND plant_id = $1
  AND status IN ('draft', 'released', 'in_progress', 'on_hold')
  AND ($2::timestamptz IS NULL OR (due_at, id) > ($2, $3::uuid))
ORDER BY due_at, id
LIMIT $4;
