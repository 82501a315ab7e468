-- Statements of inventory's side of quality: where a lot's stock lies, and the record of
-- each request from quality. The transaction is scoped to the request's plant (the
-- worker) or to the caller's plants (a retry); organization_id = app.current_org() keeps
-- the tenant the leading index column.

-- ---------------------------------------------------------------- where a lot's stock lies

-- name: lot_places
-- Stock of material $2 in plant $1 of lots $3 ('' = no lot), unrestricted or blocked,
-- where there is some, with the location's code: per lot, largest first (the fewest
-- lines), then by code, so the same stock is always taken in the same order.
SELECT b.lot, b.location_id, s.code, b.category, b.quantity
FROM inventory.stock_balances b
JOIN inventory.storage_locations s
    ON s.organization_id = b.organization_id AND s.id = b.location_id
WHERE b.organization_id = app.current_org() AND b.plant_id = $1 AND b.material_id = $2
  AND b.lot = ANY ($3::text[]) AND b.category IN ('unrestricted', 'blocked')
  AND b.quantity > 0
ORDER BY b.lot, b.quantity DESC, s.code;

-- ---------------------------------------------------------------- quality postings

-- name: quality_posting_claim
-- Record request $1 of kind $2, plant $3, reference $4, action $5, material $6, the
-- request $7 (JSON text) as pending; nothing when it is recorded.
INSERT INTO inventory.quality_postings (organization_id, request_id, kind, plant_id,
    reference, action, material_id, request)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7::text::jsonb)
ON CONFLICT (organization_id, request_id) DO NOTHING;

-- name: quality_posting_lock
-- Request $1, locked: one attempt at a time.
SELECT request_id, kind, plant_id, reference, action, material_id, status,
    request::text AS request, error, pointer, attempts, movement_ids, created_at,
    updated_at, updated_by, posted_at
FROM inventory.quality_postings
WHERE organization_id = app.current_org() AND request_id = $1
FOR UPDATE;

-- name: quality_posting_get
-- Request $1.
SELECT request_id, kind, plant_id, reference, action, material_id, status,
    request::text AS request, error, pointer, attempts, movement_ids, created_at,
    updated_at, updated_by, posted_at
FROM inventory.quality_postings
WHERE organization_id = app.current_org() AND request_id = $1;

-- name: quality_posting_posted
-- Request $1 was carried out, as documents $2 (none for a status change alone).
UPDATE inventory.quality_postings
SET status = 'posted', movement_ids = $2::uuid[], error = NULL, pointer = NULL,
    attempts = attempts + 1, posted_at = now(), updated_at = now(),
    updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND request_id = $1;

-- name: quality_posting_failed
-- Request $1 was refused: why ($2) and where in the request ($3).
UPDATE inventory.quality_postings
SET status = 'failed', error = $2, pointer = $3, attempts = attempts + 1,
    updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND request_id = $1;

-- name: quality_postings_page
-- Requests newest first, optionally of plant $1, reference $2 and kind $3, after the row
-- ($4 created_at, $5 request_id) of the previous page, at most $6.
SELECT request_id, kind, plant_id, reference, action, material_id, status,
    request::text AS request, error, pointer, attempts, movement_ids, created_at,
    updated_at, updated_by, posted_at
FROM inventory.quality_postings
WHERE organization_id = app.current_org()
  AND ($1::uuid IS NULL OR plant_id = $1)
  AND ($2::text IS NULL OR reference = $2)
  AND ($3::text IS NULL OR kind = $3)
  AND ($4::timestamptz IS NULL OR (created_at, request_id) < ($4, $5::uuid))
ORDER BY created_at DESC, request_id DESC
LIMIT $6;

-- name: quality_postings_page_by_status
-- As quality_postings_page, of status $7 only (the failed list): served by its own index.
SELECT request_id, kind, plant_id, reference, action, material_id, status,
    request::text AS request, error, pointer, attempts, movement_ids, created_at,
    updated_at, updated_by, posted_at
FROM inventory.quality_postings
WHERE organization_id = app.current_org() AND status = $7
  AND ($1::uuid IS NULL OR plant_id = $1)
  AND ($2::text IS NULL OR reference = $2)
  AND ($3::text IS NULL OR kind = $3)
  AND ($4::timestamptz IS NULL OR (created_at, request_id) < ($4, $5::uuid))
ORDER BY created_at DESC, request_id DESC
LIMIT $6;
