-- Statements of the postings other services ask for (production's goods postings,
-- maintenance's spare parts): where an issue takes from, what it withdraws from, and the
-- record of each request. The transaction is scoped to the order's plant (the worker) or
-- to the caller's plants (a retry); organization_id = app.current_org() keeps the tenant
-- the leading index column.

-- ---------------------------------------------------------------- transaction scope

-- name: scope_current
-- The plants and user the transaction is scoped to now (the worker's: no plants).
SELECT current_setting('app.plant_ids', true) AS plant_ids,
    current_setting('app.user_id', true) AS user_id;

-- name: scope_plants
-- Scope the rest of the transaction to plants $1 (comma-separated).
SELECT set_config('app.plant_ids', $1::text, true);

-- ---------------------------------------------------------------- what an issue withdraws from

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

-- ---------------------------------------------------------------- the requests' records

-- name: request_claim
-- Record request $2 of source $1: plant $3, order $4, reference $5, operation $6 (production
-- only), posting date $7, the request $8 (JSON text) as pending; nothing when it is
-- recorded.
INSERT INTO inventory.posting_requests (organization_id, source, request_id, plant_id,
    order_id, reference, operation_no, posting_date, request)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8::text::jsonb)
ON CONFLICT (organization_id, source, request_id) DO NOTHING;

-- name: request_lock
-- Request $2 of source $1, locked: one attempt at a time.
SELECT source, request_id, plant_id, order_id, reference, operation_no, posting_date, status,
    request::text AS request, error, pointer, attempts, movement_ids, created_at, updated_at,
    updated_by, posted_at
FROM inventory.posting_requests
WHERE organization_id = app.current_org() AND source = $1 AND request_id = $2
FOR UPDATE;

-- name: request_get
-- Request $2 of source $1.
SELECT source, request_id, plant_id, order_id, reference, operation_no, posting_date, status,
    request::text AS request, error, pointer, attempts, movement_ids, created_at, updated_at,
    updated_by, posted_at
FROM inventory.posting_requests
WHERE organization_id = app.current_org() AND source = $1 AND request_id = $2;

-- name: request_posted
-- Request $2 of source $1 was posted as documents $3.
UPDATE inventory.posting_requests
SET status = 'posted', movement_ids = $3::uuid[], error = NULL, pointer = NULL,
    attempts = attempts + 1, posted_at = now(), updated_at = now(),
    updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND source = $1 AND request_id = $2;

-- name: request_failed
-- Request $2 of source $1 was refused: why ($3) and where in the request ($4).
UPDATE inventory.posting_requests
SET status = 'failed', error = $3, pointer = $4, attempts = attempts + 1,
    updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND source = $1 AND request_id = $2;

-- name: requests_page
-- Requests of source $1 newest first, optionally of plant $2 and reference $3, after the
-- row ($4 created_at, $5 request_id) of the previous page, at most $6.
SELECT source, request_id, plant_id, order_id, reference, operation_no, posting_date, status,
    request::text AS request, error, pointer, attempts, movement_ids, created_at, updated_at,
    updated_by, posted_at
FROM inventory.posting_requests
WHERE organization_id = app.current_org() AND source = $1
  AND ($2::uuid IS NULL OR plant_id = $2)
  AND ($3::text IS NULL OR reference = $3)
  AND ($4::timestamptz IS NULL OR (created_at, request_id) < ($4, $5::uuid))
ORDER BY created_at DESC, request_id DESC
LIMIT $6;

-- name: requests_page_by_status
-- As requests_page, of status $7 only (the failed list): served by its own index.
SELECT source, request_id, plant_id, order_id, reference, operation_no, posting_date, status,
    request::text AS request, error, pointer, attempts, movement_ids, created_at, updated_at,
    updated_by, posted_at
FROM inventory.posting_requests
WHERE organization_id = app.current_org() AND source = $1 AND status = $7
  AND ($2::uuid IS NULL OR plant_id = $2)
  AND ($3::text IS NULL OR reference = $3)
  AND ($4::timestamptz IS NULL OR (created_at, request_id) < ($4, $5::uuid))
ORDER BY created_at DESC, request_id DESC
LIMIT $6;
