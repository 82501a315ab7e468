-- The shop floor: operation states and counters, the production log, labour, and the
-- goods postings asked of inventory.

-- name: operation_state
-- Operation $2 of order $1 moves to status $3 (active work center $4, phase start $5,
-- paused_from $6, finished_at $7); started_at is set once.
UPDATE production.work_order_operations
SET status = $3, active_work_center_id = coalesce($4, active_work_center_id),
    phase_started_at = $5, paused_from = $6,
    started_at = CASE WHEN $3 IN ('setup', 'running') THEN coalesce(started_at, $5)
                      ELSE started_at END,
    finished_at = $7, version = version + 1
WHERE organization_id = app.current_org() AND work_order_id = $1 AND operation_no = $2;

-- name: operation_counts
-- Add to operation $2 of order $1: $3 good, $4 scrap, $5 rework.
UPDATE production.work_order_operations
SET good_quantity = good_quantity + $3, scrap_quantity = scrap_quantity + $4,
    rework_quantity = rework_quantity + $5, version = version + 1
WHERE organization_id = app.current_org() AND work_order_id = $1 AND operation_no = $2;

-- name: order_counts
-- Add to order $1: $2 good (of the operation that reports output), $3 scrap.
UPDATE production.work_orders
SET good_quantity = good_quantity + $2, scrap_quantity = scrap_quantity + $3,
    version = version + 1, updated_at = now()
WHERE organization_id = app.current_org() AND id = $1;

-- name: logs_insert
-- Production log rows, arrays: $1 logged_at, $2 plant, $3 work_center, $4 order,
-- $5 operation, $6 kind, $7 good, $8 scrap, $9 rework, $10 reason, $11 person, $12 source,
-- $13 production_day, $14 shift_code, $15 ideal_cycle_seconds, $16 note.
INSERT INTO production.production_logs (organization_id, logged_at, plant_id, work_center_id,
    work_order_id, operation_no, kind, good_quantity, scrap_quantity, rework_quantity,
    reason_id, person, source, production_day, shift_code, ideal_cycle_seconds, note)
SELECT app.current_org(), t, p, w, o, n, k, g, s, r, rs, pe, so, d, sh, ic, nt
FROM unnest($1::timestamptz[], $2::uuid[], $3::uuid[], $4::uuid[], $5::integer[],
            $6::text[], $7::numeric[], $8::numeric[], $9::numeric[], $10::uuid[],
            $11::text[], $12::text[], $13::date[], $14::text[], $15::numeric[], $16::text[])
     AS u(t, p, w, o, n, k, g, s, r, rs, pe, so, d, sh, ic, nt);

-- name: logs_by_order
-- Order $1's log, newest first, before ($2 logged_at, $3 id), at most $4.
SELECT id, logged_at, plant_id, work_center_id, work_order_id, operation_no, kind,
    good_quantity, scrap_quantity, rework_quantity, reason_id, person, source, production_day,
    shift_code, note
FROM production.production_logs
WHERE organization_id = app.current_org() AND work_order_id = $1
  AND ($2::timestamptz IS NULL OR (logged_at, id) < ($2, $3::uuid))
ORDER BY logged_at DESC, id DESC
LIMIT $4;

-- name: logs_by_work_center
-- Work center $1's log in [$2, $3), newest first, before ($4 logged_at, $5 id), at most $6.
SELECT id, logged_at, plant_id, work_center_id, work_order_id, operation_no, kind,
    good_quantity, scrap_quantity, rework_quantity, reason_id, person, source, production_day,
    shift_code, note
FROM production.production_logs
WHERE organization_id = app.current_org() AND work_center_id = $1
  AND logged_at >= $2 AND logged_at < $3
  AND ($4::timestamptz IS NULL OR (logged_at, id) < ($4, $5::uuid))
ORDER BY logged_at DESC, id DESC
LIMIT $6;

-- name: labour_open
-- $4 starts working on operation $2 of order $1 at work center $3 from $5 (plant $6);
-- already working: nothing.
INSERT INTO production.labour_entries (organization_id, plant_id, work_order_id,
    operation_no, work_center_id, person, started_at)
VALUES (app.current_org(), $6, $1, $2, $3, $4, $5)
ON CONFLICT (organization_id, work_order_id, operation_no, person) WHERE ended_at IS NULL
DO NOTHING;

-- name: labour_close
-- Everyone working on operation $2 of order $1 stops at $3.
UPDATE production.labour_entries SET ended_at = greatest($3, started_at)
WHERE organization_id = app.current_org() AND work_order_id = $1 AND operation_no = $2
  AND ended_at IS NULL;

-- name: labour_page
-- Labour on order $1, in start order after ($2 started_at, $3 id), at most $4.
SELECT id, work_order_id, operation_no, work_center_id, person, started_at, ended_at
FROM production.labour_entries
WHERE organization_id = app.current_org() AND work_order_id = $1
  AND ($2::timestamptz IS NULL OR (started_at, id) > ($2, $3::uuid))
ORDER BY started_at, id
LIMIT $4;

-- name: running_at
-- The operations running (or set up, or paused) at work centers $1 (uuid[]), with their
-- order's state: where machine counts without an order belong. The most recently started
-- first.
SELECT op.active_work_center_id AS work_center_id, op.work_order_id, op.operation_no
FROM production.work_order_operations op
WHERE op.organization_id = app.current_org() AND op.active_work_center_id = ANY($1::uuid[])
  AND op.status IN ('setup', 'running', 'paused')
ORDER BY op.active_work_center_id, op.started_at DESC;

-- name: posting_insert
-- A goods posting asked of inventory: $1 id, $2 plant, $3 order, $4 operation, $5 request.
INSERT INTO production.goods_postings (organization_id, id, plant_id, work_order_id,
    operation_no, request)
VALUES (app.current_org(), $1, $2, $3, $4, $5::text::jsonb);

-- name: posting_settle
-- Inventory answered posting $1: $2 status, $3 movement ids, $4 error. Only a pending or
-- failed posting settles (a late duplicate answer changes nothing); returns its order.
UPDATE production.goods_postings
SET status = $2, movement_ids = $3, error = $4, settled_at = now()
WHERE organization_id = app.current_org() AND id = $1 AND status <> 'posted'
RETURNING work_order_id, plant_id;

-- name: components_issued
-- Order $1's components received issues ($2 material[], $3 quantity[], base unit): the
-- issued quantity of each material's lines grows (the first line of a material takes it).
UPDATE production.work_order_components c
SET issued_quantity = issued_quantity + u.q
FROM (SELECT m, sum(q) AS q FROM unnest($2::uuid[], $3::numeric[]) AS x(m, q) GROUP BY m) u
WHERE c.organization_id = app.current_org() AND c.work_order_id = $1
  AND c.material_id = u.m
  AND c.line_no = (SELECT min(line_no) FROM production.work_order_components f
                   WHERE f.organization_id = c.organization_id
                     AND f.work_order_id = c.work_order_id AND f.material_id = u.m);

-- name: postings_page
-- Goods postings of order $1 ($2 status, null: any), in request order after $3, at most $4.
SELECT id, work_order_id, operation_no, status, movement_ids, error, requested_at, settled_at
FROM production.goods_postings
WHERE organization_id = app.current_org() AND work_order_id = $1
  AND ($2::text IS NULL OR status = $2)
  AND ($3::uuid IS NULL OR id > $3)
ORDER BY id
LIMIT $4;

-- name: postings_failed
-- Failed postings of plant $1 (null: every plant of the token), oldest first after $2,
-- at most $3: the shop floor's to-do list.
SELECT id, work_order_id, operation_no, status, movement_ids, error, requested_at, settled_at
FROM production.goods_postings
WHERE organization_id = app.current_org() AND status = 'failed'
  AND ($1::uuid IS NULL OR plant_id = $1)
  AND ($2::uuid IS NULL OR id > $2)
ORDER BY id
LIMIT $3;
