-- Scheduling: what to plan, and where the plan goes.

-- name: open_orders
-- Orders of plant $1 to schedule: released and in progress (drafts too when $2), with
-- what is left of each operation.
SELECT o.id, o.number, o.priority, o.due_at, o.release_at, o.quantity, o.status
FROM production.work_orders o
WHERE o.organization_id = app.current_org() AND o.plant_id = $1
  AND (o.status IN ('released', 'in_progress') OR ($2 AND o.status = 'draft'))
ORDER BY o.id;

-- name: write_operations
-- The plan onto the operations, arrays: $1 order, $2 operation_no, $3 work center,
-- $4 unit, $5 start, $6 end.
UPDATE production.work_order_operations op
SET scheduled_work_center_id = u.w, scheduled_unit = u.k, scheduled_start = u.s,
    scheduled_end = u.e
FROM unnest($1::uuid[], $2::integer[], $3::uuid[], $4::integer[], $5::timestamptz[],
            $6::timestamptz[]) AS u(o, n, w, k, s, e)
WHERE op.organization_id = app.current_org() AND op.work_order_id = u.o
  AND op.operation_no = u.n;

-- name: clear_operations
-- Plant $1's open operations not in ($2 order[], $3 operation_no[]) lose their old bar.
UPDATE production.work_order_operations op
SET scheduled_work_center_id = NULL, scheduled_unit = NULL, scheduled_start = NULL,
    scheduled_end = NULL
WHERE op.organization_id = app.current_org() AND op.plant_id = $1
  AND op.scheduled_start IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM unnest($2::uuid[], $3::integer[]) AS u(o, n)
                  WHERE u.o = op.work_order_id AND u.n = op.operation_no);

-- name: write_orders
-- Each order's planned start and end: $1 order[], $2 start[], $3 end[].
UPDATE production.work_orders o
SET scheduled_start = u.s, scheduled_end = u.e
FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS u(i, s, e)
WHERE o.organization_id = app.current_org() AND o.id = u.i;

-- name: run_insert
-- A run of plant $1: $2 direction, $3 trigger, $4 horizon start, $5 horizon end,
-- $6 stats, $7 conflicts, $8 late orders, $9 duration in ms.
INSERT INTO production.schedule_runs (organization_id, plant_id, direction, trigger,
    horizon_start, horizon_end, stats, conflicts, late_orders, duration_ms)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6::text::jsonb, $7::text::jsonb,
        $8::text::jsonb, $9)
RETURNING id, created_at;

-- name: last_run
-- Plant $1's last run.
SELECT id, plant_id, direction, trigger, horizon_start, horizon_end, stats::text AS stats,
    conflicts::text AS conflicts, late_orders::text AS late_orders, duration_ms, created_at,
    created_by
FROM production.schedule_runs
WHERE organization_id = app.current_org() AND plant_id = $1
ORDER BY id DESC
LIMIT 1;

-- name: bars
-- The planned operations of plant $1 whose bars overlap [$2, $3), by work center and
-- start.
SELECT op.work_order_id, o.number, o.due_at, o.status AS order_status, op.operation_no,
    op.description, op.status, op.scheduled_work_center_id, op.scheduled_unit,
    op.scheduled_start, op.scheduled_end, op.predecessors
FROM production.work_order_operations op
JOIN production.work_orders o
  ON o.organization_id = op.organization_id AND o.id = op.work_order_id
WHERE op.organization_id = app.current_org() AND op.plant_id = $1
  AND op.scheduled_start < $3 AND op.scheduled_end > $2
ORDER BY op.scheduled_work_center_id, op.scheduled_start;
