-- Statements of inventory's side of production: order reservations, where a production
-- posting takes from and puts to, and the record of each posting request. The
-- transaction is scoped to the order's plant (the worker) or to the caller's plants (a
-- retry); organization_id = app.current_org() keeps the tenant the leading index column.

-- ---------------------------------------------------------------- transaction scope

-- name: scope_current
-- The plants and user the transaction is scoped to now (the worker's: no plants).
SELECT current_setting('app.plant_ids', true) AS plant_ids,
    current_setting('app.user_id', true) AS user_id;

-- name: scope_plants
-- Scope the rest of the transaction to plants $1 (comma-separated).
SELECT set_config('app.plant_ids', $1::text, true);

-- ---------------------------------------------------------------- order reservations

-- name: order_lock
-- Serialize the reservation changes of order $1 until commit: two releases of one order
-- handled side by side would each find nothing open and both reserve.
SELECT pg_advisory_xact_lock(
    hashtextextended('inventory.order_reservations/' || app.current_org()::text || '/' || $1, 0));

-- name: order_reservations
-- Every reservation of order $1 in plant $2, whatever its status (what was withdrawn
-- counts even from a cancelled one), locked, in id order.
SELECT id, material_id, location_id, lot, quantity, withdrawn, status, requirement_date
FROM inventory.reservations
WHERE organization_id = app.current_org() AND reference = $1 AND plant_id = $2
ORDER BY id
FOR UPDATE;

-- name: order_reservations_resize
-- Set reservations $1 to quantities $2 (base unit, never below what was withdrawn) and
-- requirement date $3; one whose withdrawals reach the new quantity is closed.
UPDATE inventory.reservations r
SET quantity = x.quantity, requirement_date = $3,
    status = CASE WHEN r.withdrawn >= x.quantity THEN 'closed' ELSE 'open' END,
    updated_at = now()
FROM unnest($1::uuid[], $2::numeric[]) AS x(id, quantity)
WHERE r.organization_id = app.current_org() AND r.id = x.id;

-- name: reservations_close
-- Close the open reservations $1 (a closed order needs nothing more); what was withdrawn
-- stays withdrawn. Returns the ids that were open.
UPDATE inventory.reservations
SET status = 'closed', updated_at = now()
WHERE organization_id = app.current_org() AND id = ANY ($1::uuid[]) AND status = 'open'
RETURNING id;

-- name: order_reservations_open
-- The open, unexpired reservations of order $1 in plant $2 of materials $3, in id order:
-- what an issue to the order withdraws from.
SELECT id, material_id, location_id, lot
FROM inventory.reservations
WHERE organization_id = app.current_org() AND reference = $1 AND plant_id = $2
  AND material_id = ANY ($3::uuid[]) AND status = 'open'
  AND (expires_at IS NULL OR expires_at > now())
ORDER BY id;

-- ---------------------------------------------------------------- where stock is taken and put

-- name: default_locations
-- The plant data default storage location of materials $2 in plant $1, with the location
-- that code names in the plant (NULL when there is none).
SELECT mp.material_id, mp.default_storage_location AS code, s.id AS location_id
FROM inventory.material_plants mp
LEFT JOIN inventory.storage_locations s
    ON s.organization_id = mp.organization_id AND s.plant_id = mp.plant_id
   AND s.code = upper(mp.default_storage_location)
WHERE mp.organization_id = app.current_org() AND mp.plant_id = $1
  AND mp.material_id = ANY ($2::uuid[]) AND mp.default_storage_location IS NOT NULL;

-- name: stock_locations
-- The locations of plant $1 holding unrestricted stock of each (material $2, lot $3; ''
-- = any lot), in code order.
SELECT DISTINCT w.material_id, w.lot, b.location_id, s.code
FROM unnest($2::uuid[], $3::text[]) AS w(material_id, lot)
JOIN inventory.stock_balances b
    ON b.organization_id = app.current_org() AND b.plant_id = $1
   AND b.material_id = w.material_id AND (w.lot = '' OR b.lot = w.lot)
   AND b.category = 'unrestricted' AND b.quantity > 0
JOIN inventory.storage_locations s
    ON s.organization_id = b.organization_id AND s.id = b.location_id
ORDER BY w.material_id, w.lot, s.code;

-- name: location_codes
-- The codes of locations $1, for messages.
SELECT id, code FROM inventory.storage_locations
WHERE organization_id = app.current_org() AND id = ANY ($1::uuid[]);

-- name: fefo_lots
-- The lots an issue may take of each (material $2, location $3) in plant $1 on posting
-- date $4: released, not expired on that date, with unrestricted stock; first expiring
-- first (no expiry last), then the oldest lot (created first), then by lot.
SELECT w.material_id, w.location_id, b.lot, b.quantity
FROM unnest($2::uuid[], $3::uuid[]) AS w(material_id, location_id)
JOIN inventory.stock_balances b
    ON b.organization_id = app.current_org() AND b.plant_id = $1
   AND b.material_id = w.material_id AND b.location_id = w.location_id
   AND b.category = 'unrestricted' AND b.quantity > 0 AND b.lot <> ''
JOIN inventory.lots l
    ON l.organization_id = b.organization_id AND l.material_id = b.material_id
   AND l.lot = b.lot
WHERE l.status = 'released' AND (l.expires_on IS NULL OR l.expires_on >= $4::date)
ORDER BY w.material_id, w.location_id, l.expires_on NULLS LAST, l.created_at, b.lot;

-- ---------------------------------------------------------------- production postings

-- name: posting_claim
-- Record request $1 (posting_id) of plant $2, order $3, reference $4, operation $5,
-- posting date $6, the request $7 (JSON text) as pending; nothing when it is recorded.
INSERT INTO inventory.production_postings (organization_id, posting_id, plant_id,
    work_order_id, reference, operation_no, posting_date, request)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7::text::jsonb)
ON CONFLICT (organization_id, posting_id) DO NOTHING;

-- name: posting_lock
-- Posting request $1, locked: one attempt at a time.
SELECT posting_id, plant_id, work_order_id, reference, operation_no, posting_date, status,
    request::text AS request, error, pointer, attempts, movement_ids, created_at, updated_at,
    updated_by, posted_at
FROM inventory.production_postings
WHERE organization_id = app.current_org() AND posting_id = $1
FOR UPDATE;

-- name: posting_get
-- Posting request $1.
SELECT posting_id, plant_id, work_order_id, reference, operation_no, posting_date, status,
    request::text AS request, error, pointer, attempts, movement_ids, created_at, updated_at,
    updated_by, posted_at
FROM inventory.production_postings
WHERE organization_id = app.current_org() AND posting_id = $1;

-- name: posting_posted
-- Request $1 was posted as documents $2.
UPDATE inventory.production_postings
SET status = 'posted', movement_ids = $2::uuid[], error = NULL, pointer = NULL,
    attempts = attempts + 1, posted_at = now(), updated_at = now(),
    updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND posting_id = $1;

-- name: posting_failed
-- Request $1 was refused: why ($2) and where in the request ($3).
UPDATE inventory.production_postings
SET status = 'failed', error = $2, pointer = $3, attempts = attempts + 1,
    updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND posting_id = $1;

-- name: postings_page
-- Posting requests newest first, optionally of plant $1 and reference $2, after the row
-- ($3 created_at, $4 posting_id) of the previous page, at most $5.
SELECT posting_id, plant_id, work_order_id, reference, operation_no, posting_date, status,
    request::text AS request, error, pointer, attempts, movement_ids, created_at, updated_at,
    updated_by, posted_at
FROM inventory.production_postings
WHERE organization_id = app.current_org()
  AND ($1::uuid IS NULL OR plant_id = $1)
  AND ($2::text IS NULL OR reference = $2)
  AND ($3::timestamptz IS NULL OR (created_at, posting_id) < ($3, $4::uuid))
ORDER BY created_at DESC, posting_id DESC
LIMIT $5;

-- name: postings_page_by_status
-- As postings_page, of status $6 only (the failed list): served by its own index.
SELECT posting_id, plant_id, work_order_id, reference, operation_no, posting_date, status,
    request::text AS request, error, pointer, attempts, movement_ids, created_at, updated_at,
    updated_by, posted_at
FROM inventory.production_postings
WHERE organization_id = app.current_org() AND status = $6
  AND ($1::uuid IS NULL OR plant_id = $1)
  AND ($2::text IS NULL OR reference = $2)
  AND ($3::timestamptz IS NULL OR (created_at, posting_id) < ($3, $4::uuid))
ORDER BY created_at DESC, posting_id DESC
LIMIT $5;
