-- Lots, reservations, availability, valuation and period close.

-- ---------------------------------------------------------------- lots

-- name: lot_insert
-- A new lot $2 of material $1 (status $3, $4 manufactured_on, $5 expires_on,
-- $6 supplier_lot, $7 status_reason); no row when it exists.
INSERT INTO inventory.lots (organization_id, material_id, lot, status, manufactured_on,
    expires_on, supplier_lot, status_reason)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (organization_id, material_id, lot) DO NOTHING
RETURNING material_id, lot, status, manufactured_on, expires_on, supplier_lot, status_reason,
    version, created_at, created_by, updated_at, updated_by;

-- name: lot_get
-- Lot $2 of material $1.
SELECT material_id, lot, status, manufactured_on, expires_on, supplier_lot, status_reason,
    version, created_at, created_by, updated_at, updated_by
FROM inventory.lots
WHERE organization_id = app.current_org() AND material_id = $1 AND lot = $2;

-- name: lot_lock
-- Lot $2 of material $1, locked until the transaction ends.
SELECT material_id, lot, status, manufactured_on, expires_on, supplier_lot, status_reason,
    version, created_at, created_by, updated_at, updated_by
FROM inventory.lots
WHERE organization_id = app.current_org() AND material_id = $1 AND lot = $2
FOR UPDATE;

-- name: lot_update
-- Replace the fields of lot $2 of material $1 ($3 status, $4 manufactured_on,
-- $5 expires_on, $6 supplier_lot, $7 status_reason) and bump its version.
UPDATE inventory.lots
SET status = $3, manufactured_on = $4, expires_on = $5, supplier_lot = $6,
    status_reason = $7, version = version + 1, updated_at = now(),
    updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND material_id = $1 AND lot = $2
RETURNING material_id, lot, status, manufactured_on, expires_on, supplier_lot, status_reason,
    version, created_at, created_by, updated_at, updated_by;

-- name: lots_page
-- Lots of material $1, optionally with status $2, in lot order after $3, at most $4.
SELECT material_id, lot, status, manufactured_on, expires_on, supplier_lot, status_reason,
    version, created_at, created_by, updated_at, updated_by
FROM inventory.lots
WHERE organization_id = app.current_org() AND material_id = $1
  AND ($2::text IS NULL OR status = $2)
  AND ($3::text IS NULL OR lot > $3)
ORDER BY lot
LIMIT $4;

-- name: lots_expiring
-- Lots of any material expiring on or before $1, soonest first, after ($2 expires_on,
-- $3 material_id, $4 lot), at most $5: the shelf-life list (first expired, first out).
SELECT material_id, lot, status, manufactured_on, expires_on, supplier_lot, status_reason,
    version, created_at, created_by, updated_at, updated_by
FROM inventory.lots
WHERE organization_id = app.current_org() AND expires_on IS NOT NULL AND expires_on <= $1
  AND ($2::date IS NULL OR (expires_on, material_id, lot) > ($2, $3::uuid, $4::text))
ORDER BY expires_on, material_id, lot
LIMIT $5;

-- ---------------------------------------------------------------- availability

-- name: availability
-- What can be promised of material $1 in plant $2, optionally in location $3 and lot $4
-- ('' = no lot): on hand by category (blocked includes unrestricted stock of lots that are
-- not released), and what open, unexpired reservations of the same scope hold. A
-- reservation without a location or lot counts for the whole plant only.
WITH stock AS (
    SELECT
        coalesce(sum(b.quantity), 0) AS on_hand,
        coalesce(sum(b.quantity) FILTER (
            WHERE b.category = 'unrestricted' AND coalesce(l.status, 'released') = 'released'), 0)
            AS unrestricted,
        coalesce(sum(b.quantity) FILTER (WHERE b.category = 'quality'), 0) AS quality,
        coalesce(sum(b.quantity) FILTER (
            WHERE b.category = 'blocked'
               OR (b.category = 'unrestricted' AND coalesce(l.status, 'released') <> 'released')),
            0) AS blocked
    FROM inventory.stock_balances b
    LEFT JOIN inventory.lots l
        ON l.organization_id = b.organization_id AND l.material_id = b.material_id
       AND l.lot = b.lot
    WHERE b.organization_id = app.current_org() AND b.material_id = $1 AND b.plant_id = $2
      AND ($3::uuid IS NULL OR b.location_id = $3)
      AND ($4::text IS NULL OR b.lot = $4)
), held AS (
    SELECT coalesce(sum(r.quantity - r.withdrawn), 0) AS reserved
    FROM inventory.reservations r
    WHERE r.organization_id = app.current_org() AND r.material_id = $1 AND r.plant_id = $2
      AND r.status = 'open' AND (r.expires_at IS NULL OR r.expires_at > now())
      AND ($3::uuid IS NULL OR r.location_id = $3)
      AND ($4::text IS NULL OR r.lot = nullif($4, ''))
)
SELECT s.on_hand, s.unrestricted, s.quality, s.blocked, h.reserved,
    s.unrestricted - h.reserved AS available,
    (SELECT base_unit FROM inventory.materials
     WHERE organization_id = app.current_org() AND id = $1) AS unit
FROM stock s, held h;

-- ---------------------------------------------------------------- reservations

-- name: reservations_insert
-- Reservations, one per element: $1 id, $2 plant_id, $3 material_id, $4 location_id,
-- $5 lot, $6 quantity (base unit), and for all $7 reference, $8 requirement_date,
-- $9 expires_at.
INSERT INTO inventory.reservations (organization_id, id, plant_id, material_id, location_id,
    lot, quantity, reference, requirement_date, expires_at)
SELECT app.current_org(), r.id, r.plant_id, r.material_id, r.location_id, r.lot, r.quantity,
    $7, $8, $9
FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::numeric[])
    AS r(id, plant_id, material_id, location_id, lot, quantity);

-- name: reservations_get
-- Reservations $1 with their material's base unit; expired shows as a status.
SELECT r.id, r.plant_id, r.material_id, r.location_id, r.lot, r.quantity, r.withdrawn,
    CASE WHEN r.status = 'open' AND (r.expires_at IS NULL OR r.expires_at > now())
         THEN r.quantity - r.withdrawn ELSE 0 END AS open_quantity,
    m.base_unit AS unit,
    CASE WHEN r.status = 'open' AND r.expires_at IS NOT NULL AND r.expires_at <= now()
         THEN 'expired' ELSE r.status END AS status,
    r.reference, r.requirement_date, r.expires_at, r.created_at, r.created_by, r.updated_at
FROM inventory.reservations r
JOIN inventory.materials m ON m.organization_id = r.organization_id AND m.id = r.material_id
WHERE r.organization_id = app.current_org() AND r.id = ANY ($1::uuid[])
ORDER BY r.id;

-- name: reservations_page
-- Reservations, optionally of reference $1, material $2, plant $3, only open ones when $4,
-- in id (creation) order after $5, at most $6.
SELECT r.id, r.plant_id, r.material_id, r.location_id, r.lot, r.quantity, r.withdrawn,
    CASE WHEN r.status = 'open' AND (r.expires_at IS NULL OR r.expires_at > now())
         THEN r.quantity - r.withdrawn ELSE 0 END AS open_quantity,
    m.base_unit AS unit,
    CASE WHEN r.status = 'open' AND r.expires_at IS NOT NULL AND r.expires_at <= now()
         THEN 'expired' ELSE r.status END AS status,
    r.reference, r.requirement_date, r.expires_at, r.created_at, r.created_by, r.updated_at
FROM inventory.reservations r
JOIN inventory.materials m ON m.organization_id = r.organization_id AND m.id = r.material_id
WHERE r.organization_id = app.current_org()
  AND ($1::text IS NULL OR r.reference = $1)
  AND ($2::uuid IS NULL OR r.material_id = $2)
  AND ($3::uuid IS NULL OR r.plant_id = $3)
  AND (NOT $4::boolean OR (r.status = 'open' AND (r.expires_at IS NULL OR r.expires_at > now())))
  AND ($5::uuid IS NULL OR r.id > $5)
ORDER BY r.id
LIMIT $6;

-- name: reservations_cancel
-- Cancel the open reservations $1; returns the ids that were open.
UPDATE inventory.reservations
SET status = 'cancelled', updated_at = now()
WHERE organization_id = app.current_org() AND id = ANY ($1::uuid[]) AND status = 'open'
RETURNING id;

-- name: reservations_of_reference_open
-- The open reservations of reference $1 (an order's components), locked.
SELECT id FROM inventory.reservations
WHERE organization_id = app.current_org() AND reference = $1 AND status = 'open'
ORDER BY id
FOR UPDATE;

-- ---------------------------------------------------------------- valuation

-- name: valuations_page
-- Valuation of material $1 (or all), in plant $2 (or all), after ($3 material, $4 plant),
-- at most $5.
SELECT v.material_id, v.plant_id, v.quantity, m.base_unit AS unit, v.value,
    CASE WHEN v.quantity > 0 THEN round(v.value / v.quantity, 6) ELSE v.price END
        AS moving_average_price,
    v.updated_at
FROM inventory.valuations v
JOIN inventory.materials m ON m.organization_id = v.organization_id AND m.id = v.material_id
WHERE v.organization_id = app.current_org()
  AND ($1::uuid IS NULL OR v.material_id = $1)
  AND ($2::uuid IS NULL OR v.plant_id = $2)
  AND ($3::uuid IS NULL OR (v.material_id, v.plant_id) > ($3, $4::uuid))
ORDER BY v.material_id, v.plant_id
LIMIT $5;

-- ---------------------------------------------------------------- periods

-- name: period_lock_exclusive
-- Take plant $1's period lock exclusively: postings into the plant wait until the close
-- (or reopen) commits, and it waits for the postings already under way.
SELECT pg_advisory_xact_lock(
    hashtextextended('inventory.period:' || app.current_org() || ':' || $1::uuid, 0));

-- name: periods_of_plant
-- Closed months of plant $1, latest first, before $2 (NULL = from the latest), at most $3.
SELECT plant_id, period, closed_at, closed_by
FROM inventory.periods
WHERE organization_id = app.current_org() AND plant_id = $1
  AND ($2::date IS NULL OR period < $2)
ORDER BY period DESC
LIMIT $3;

-- name: period_latest
-- The latest closed month of plant $1, if any.
SELECT max(period) FROM inventory.periods
WHERE organization_id = app.current_org() AND plant_id = $1;

-- name: period_first_posting
-- The first posting date in plant $1, if any: closing may start at its month.
SELECT min(posting_date) FROM inventory.goods_movements
WHERE organization_id = app.current_org() AND plant_id = $1;

-- name: period_insert
-- Close month $2 of plant $1.
INSERT INTO inventory.periods (organization_id, plant_id, period)
VALUES (app.current_org(), $1, $2)
RETURNING plant_id, period, closed_at, closed_by;

-- name: period_snapshot
-- Quantity and value of each material of plant $1 at the end of month $2 (the first day
-- of the month after is $3): today's valuation minus everything posted from $3 on. Reads
-- only the lines after the month, never the whole history.
INSERT INTO inventory.period_valuations (organization_id, plant_id, period, material_id,
    quantity, value)
SELECT app.current_org(), v.plant_id, $2, v.material_id,
    v.quantity - coalesce(a.quantity, 0), v.value - coalesce(a.value, 0)
FROM inventory.valuations v
LEFT JOIN (
    SELECT l.material_id, sum(l.quantity) AS quantity, sum(l.value) AS value
    FROM inventory.goods_movement_lines l
    WHERE l.organization_id = app.current_org() AND l.plant_id = $1 AND l.posting_date >= $3
      AND l.valuation <> 'none'
    GROUP BY l.material_id
) a ON a.material_id = v.material_id
WHERE v.organization_id = app.current_org() AND v.plant_id = $1;

-- name: period_delete
-- Reopen month $2 of plant $1 (its snapshot goes with it).
DELETE FROM inventory.periods
WHERE organization_id = app.current_org() AND plant_id = $1 AND period = $2
RETURNING plant_id, period, closed_at, closed_by;

-- name: period_valuations_page
-- The snapshot of month $2 of plant $1, in material order after $3, at most $4.
SELECT material_id, plant_id, period, quantity, value
FROM inventory.period_valuations
WHERE organization_id = app.current_org() AND plant_id = $1 AND period = $2
  AND ($3::uuid IS NULL OR material_id > $3)
ORDER BY material_id
LIMIT $4;
