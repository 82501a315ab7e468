-- Statements of an order's reservations as production's events change them: a release
-- reserves (or adjusts), a cancelled or closed order releases the rest. The transaction is
-- scoped to the order's plant; organization_id = app.current_org() keeps the tenant the
-- leading index column. Where issues take from, and the records of production's posting
-- requests, are in posting_requests/queries.sql.

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
