-- Downtime events.

-- name: insert
-- A stop at work center $2 (plant $1) from $3: $4 expected_end, $5 reason, $6 planned,
-- $7 loss, $8 description, $9 source, $10 maintenance order, $11 work order,
-- $12 operation; no row when one is open there already.
INSERT INTO production.downtime_events (organization_id, plant_id, work_center_id, started_at,
    expected_end, reason_id, planned, loss, description, source, maintenance_work_order_id,
    work_order_id, operation_no)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (organization_id, work_center_id) WHERE ended_at IS NULL DO NOTHING
RETURNING id, plant_id, work_center_id, started_at, ended_at, expected_end, reason_id,
    planned, loss, description, source, maintenance_work_order_id, work_order_id,
    operation_no, reported_by, closed_by, booked_until;

-- name: get
-- Downtime $1 ($2: lock it).
SELECT id, plant_id, work_center_id, started_at, ended_at, expected_end, reason_id, planned,
    loss, description, source, maintenance_work_order_id, work_order_id, operation_no,
    reported_by, closed_by, booked_until
FROM production.downtime_events
WHERE organization_id = app.current_org() AND id = $1;

-- name: lock
-- Downtime $1, locked.
SELECT id, plant_id, work_center_id, started_at, ended_at, expected_end, reason_id, planned,
    loss, description, source, maintenance_work_order_id, work_order_id, operation_no,
    reported_by, closed_by, booked_until
FROM production.downtime_events
WHERE organization_id = app.current_org() AND id = $1
FOR UPDATE;

-- name: open_at
-- The open stops of work centers $1 (uuid[]), locked.
SELECT id, plant_id, work_center_id, started_at, ended_at, expected_end, reason_id, planned,
    loss, description, source, maintenance_work_order_id, work_order_id, operation_no,
    reported_by, closed_by, booked_until
FROM production.downtime_events
WHERE organization_id = app.current_org() AND work_center_id = ANY($1::uuid[])
  AND ended_at IS NULL
ORDER BY work_center_id
FOR UPDATE;

-- name: open_all
-- Every open stop in the transaction's plants, locked: the daily close books the part
-- of each that lies in ended shifts.
SELECT id, plant_id, work_center_id, started_at, ended_at, expected_end, reason_id, planned,
    loss, description, source, maintenance_work_order_id, work_order_id, operation_no,
    reported_by, closed_by, booked_until
FROM production.downtime_events
WHERE organization_id = app.current_org() AND ended_at IS NULL
ORDER BY work_center_id
FOR UPDATE;

-- name: by_maintenance
-- The stops linked to maintenance order $1, locked.
SELECT id, plant_id, work_center_id, started_at, ended_at, expected_end, reason_id, planned,
    loss, description, source, maintenance_work_order_id, work_order_id, operation_no,
    reported_by, closed_by, booked_until
FROM production.downtime_events
WHERE organization_id = app.current_org() AND maintenance_work_order_id = $1
ORDER BY started_at
FOR UPDATE;

-- name: save
-- Downtime $1's changeable fields: $2 ended_at, $3 expected_end, $4 reason, $5 planned,
-- $6 loss, $7 description, $8 maintenance order, $9 closed_by, $10 booked_until.
UPDATE production.downtime_events
SET ended_at = $2, expected_end = $3, reason_id = $4, planned = $5, loss = $6,
    description = $7, maintenance_work_order_id = $8, closed_by = $9, booked_until = $10
WHERE organization_id = app.current_org() AND id = $1;

-- name: page
-- Stops of work center $1 that overlap [$2, $3), newest first, before ($4 started_at,
-- $5 id), at most $6.
SELECT id, plant_id, work_center_id, started_at, ended_at, expected_end, reason_id, planned,
    loss, description, source, maintenance_work_order_id, work_order_id, operation_no,
    reported_by, closed_by, booked_until
FROM production.downtime_events
WHERE organization_id = app.current_org() AND work_center_id = $1
  AND started_at < $3 AND (ended_at IS NULL OR ended_at > $2)
  AND ($4::timestamptz IS NULL OR (started_at, id) < ($4, $5::uuid))
ORDER BY started_at DESC, id DESC
LIMIT $6;

-- name: blocking
-- Stops of work centers $1 (uuid[]) that take capacity from [$2, $3): open ones until
-- their expected end (or $4 when none is known).
SELECT work_center_id, started_at, coalesce(ended_at, expected_end, $4) AS until
FROM production.downtime_events
WHERE organization_id = app.current_org() AND work_center_id = ANY($1::uuid[])
  AND started_at < $3 AND coalesce(ended_at, expected_end, $4) > $2;
