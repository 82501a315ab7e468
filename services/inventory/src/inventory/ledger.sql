-- The posting engine's statements: everything a goods movement reads and writes, each a
-- set-based statement over arrays, so a document of 10,000 lines costs a few round trips.

-- name: posting_materials
-- Materials $1 with what posting needs: base unit, flags and their alternative units.
SELECT m.id, m.number, m.base_unit, m.negative_stock_allowed, m.lot_managed,
    m.serial_managed,
    coalesce(array_agg(a.unit ORDER BY a.unit) FILTER (WHERE a.unit IS NOT NULL), '{}')
        AS alt_units,
    coalesce(array_agg(a.numerator ORDER BY a.unit) FILTER (WHERE a.unit IS NOT NULL), '{}')
        AS alt_numerators,
    coalesce(array_agg(a.denominator ORDER BY a.unit) FILTER (WHERE a.unit IS NOT NULL), '{}')
        AS alt_denominators
FROM inventory.materials m
LEFT JOIN inventory.material_units a
    ON a.organization_id = m.organization_id AND a.material_id = m.id
WHERE m.organization_id = app.current_org() AND m.id = ANY ($1::uuid[])
GROUP BY m.id, m.number, m.base_unit, m.negative_stock_allowed, m.lot_managed,
    m.serial_managed;

-- name: posting_locations
-- Which of the storage locations $1 exist, with their plant.
SELECT id, plant_id FROM inventory.storage_locations
WHERE organization_id = app.current_org() AND id = ANY ($1::uuid[]);

-- name: posting_lots
-- Status and expiry of the lots ($1 material_id, $2 lot) that exist.
SELECT l.material_id, l.lot, l.status, l.expires_on
FROM inventory.lots l
JOIN unnest($1::uuid[], $2::text[]) AS k(material_id, lot)
    ON l.material_id = k.material_id AND l.lot = k.lot
WHERE l.organization_id = app.current_org();

-- name: lots_ensure
-- Create the lots a receipt names that do not exist yet ($1 material_id, $2 lot,
-- $3 manufactured_on, $4 expires_on), released.
INSERT INTO inventory.lots (organization_id, material_id, lot, manufactured_on, expires_on)
SELECT app.current_org(), k.material_id, k.lot, k.manufactured_on, k.expires_on
FROM unnest($1::uuid[], $2::text[], $3::date[], $4::date[])
    AS k(material_id, lot, manufactured_on, expires_on)
ORDER BY k.material_id, k.lot
ON CONFLICT (organization_id, material_id, lot) DO NOTHING;

-- name: periods_lock
-- Hold the period locks of plants $1 (sorted) shared until commit: a period close takes
-- them exclusively, so no posting lands in a month while it is being closed.
SELECT count(pg_advisory_xact_lock_shared(
    hashtextextended('inventory.period:' || app.current_org() || ':' || p, 0)))
FROM unnest($1::uuid[]) AS p;

-- name: closed_through
-- The latest closed month of each of plants $1 that has one.
SELECT plant_id, max(period) AS period
FROM inventory.periods
WHERE organization_id = app.current_org() AND plant_id = ANY ($1::uuid[])
GROUP BY plant_id;

-- name: valuations_open
-- Make sure valuation rows exist for ($1 material_id, $2 plant_id).
INSERT INTO inventory.valuations (organization_id, material_id, plant_id)
SELECT app.current_org(), k.material_id, k.plant_id
FROM unnest($1::uuid[], $2::uuid[]) AS k(material_id, plant_id)
ORDER BY k.material_id, k.plant_id
ON CONFLICT (organization_id, material_id, plant_id) DO NOTHING;

-- name: valuations_lock
-- Lock the valuation rows of ($1 material_id, $2 plant_id) in key order: every posting of
-- a material in a plant takes this lock first, so postings of it follow one order and
-- two documents cannot deadlock.
SELECT v.material_id, v.plant_id
FROM inventory.valuations v
JOIN unnest($1::uuid[], $2::uuid[]) AS k(material_id, plant_id)
    ON v.material_id = k.material_id AND v.plant_id = k.plant_id
WHERE v.organization_id = app.current_org()
ORDER BY v.material_id, v.plant_id
FOR UPDATE OF v;

-- name: balances_open
-- Create the on-hand rows, at zero, of the keys ($1 material_id, $2 plant_id,
-- $3 location_id, $4 lot, $5 category) that balances_lock did not find. (A decrement cannot be an INSERT ... ON CONFLICT:
-- PostgreSQL checks the CHECK on the negative row it proposes before it sees the conflict.)
INSERT INTO inventory.stock_balances AS b (organization_id, material_id, plant_id,
    location_id, lot, category, quantity, negative_allowed)
SELECT app.current_org(), k.material_id, k.plant_id, k.location_id, k.lot, k.category, 0,
    -- A lookup per key: joined, stale statistics of the materials could make it a scan
    -- of every material per key (see migration 0019).
    (SELECT m.negative_stock_allowed FROM inventory.materials m
     WHERE m.organization_id = app.current_org() AND m.id = k.material_id)
FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[])
    AS k(material_id, plant_id, location_id, lot, category)
ORDER BY k.material_id, k.plant_id, k.location_id, k.lot, k.category
ON CONFLICT (organization_id, material_id, plant_id, location_id, lot, category) DO NOTHING;

-- name: balances_lock
-- The on-hand of the keys ($1 material_id, $2 plant_id, $3 location_id, $4 lot,
-- $5 category) that have a row, locked in key order until commit: the lock
-- serializes postings on the same stock. The keys are sorted first and each is looked up
-- on its own (LATERAL ... FOR UPDATE), so the rows are locked in that order by a nested
-- loop of primary-key probes; joined as a set, the planner would read the plant's every
-- balance into a hash (100k rows for 5,000 keys: 3x slower).
SELECT b.material_id, b.plant_id, b.location_id, b.lot, b.category, b.quantity
FROM (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[])
        AS k(material_id, plant_id, location_id, lot, category)
    ORDER BY k.material_id, k.plant_id, k.location_id, k.lot, k.category
) k
CROSS JOIN LATERAL (
    SELECT b.material_id, b.plant_id, b.location_id, b.lot, b.category, b.quantity
    FROM inventory.stock_balances b
    WHERE b.organization_id = app.current_org() AND b.material_id = k.material_id
      AND b.plant_id = k.plant_id AND b.location_id = k.location_id AND b.lot = k.lot
      AND b.category = k.category
    FOR UPDATE
) b;

-- name: balances_apply
-- Add $6 to the on-hand of each key (as balances_lock), by primary-key probes
-- (inventory.balances_add, migration 0017); the CHECK still refuses stock below zero
-- unless the material allows it, whatever the caller computed.
SELECT inventory.balances_add($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[],
    $6::numeric[]);

-- name: headers_insert
-- Goods movement documents: $1 id, $2 plant_id, $3 movement_type, $4 posting_date,
-- $5 reference, $6 reversal_of (a second reversal of a document fails on a unique index).
INSERT INTO inventory.goods_movements (organization_id, id, plant_id, movement_type,
    posting_date, reference, reversal_of)
SELECT app.current_org(), h.id, h.plant_id, h.movement_type, h.posting_date, h.reference,
    h.reversal_of
FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::date[], $5::text[], $6::uuid[])
    AS h(id, plant_id, movement_type, posting_date, reference, reversal_of);

-- name: lines_insert
-- Ledger lines, one per array element: $1 movement_id, $2 posting_date, $3 movement_type,
-- $4 line_no, $5 material_id, $6 plant_id, $7 location_id, $8 lot ('' = none),
-- $9 category, $10 quantity in base unit (signed), $11 entry quantity (signed),
-- $12 entry unit, $13 value, $14 valuation, $15 reservation_id, $16 serials joined by
-- spaces (NULL = none; a serial has no space, and arrays of arrays cannot be unnested).
-- entered_at is the clock at insert, after the valuation locks: it orders lines of the
-- same day.
INSERT INTO inventory.goods_movement_lines (organization_id, movement_id, posting_date,
    movement_type, line_no, material_id, plant_id, location_id, lot, category, quantity,
    entry_quantity, entry_unit, value, valuation, reservation_id, serials)
SELECT app.current_org(), l.movement_id, l.posting_date, l.movement_type, l.line_no,
    l.material_id, l.plant_id, l.location_id, l.lot, l.category, l.quantity,
    l.entry_quantity, l.entry_unit, l.value, l.valuation, l.reservation_id,
    string_to_array(l.serials, ' ')
FROM unnest($1::uuid[], $2::date[], $3::text[], $4::integer[], $5::uuid[], $6::uuid[],
    $7::uuid[], $8::text[], $9::text[], $10::numeric[], $11::numeric[], $12::text[],
    $13::numeric[], $14::text[], $15::uuid[], $16::text[])
    WITH ORDINALITY AS l(movement_id, posting_date, movement_type, line_no, material_id,
        plant_id, location_id, lot, category, quantity, entry_quantity, entry_unit, value,
        valuation, reservation_id, serials, ord)
ORDER BY l.ord;

-- name: history_dips
-- For back-dated postings taking stock out: the lowest the on-hand of each key ($1 material,
-- $2 plant, $3 location, $4 lot, $5 category) would go with $8 (negative) added at the end
-- of posting date $6, and the date it happens; $7 is the request line's index. Only keys
-- that would go below zero. The on-hand after a line is the current on-hand minus
-- everything posted after it, so only the key's lines after the posting date are read.
-- Run under the balance row lock: no line of the key can be added meanwhile.
SELECT k.idx, d.posting_date, d.balance
FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::date[],
    $7::integer[], $8::numeric[])
    AS k(material_id, plant_id, location_id, lot, category, from_date, idx, delta)
JOIN inventory.stock_balances b
    ON b.organization_id = app.current_org() AND b.material_id = k.material_id
   AND b.plant_id = k.plant_id AND b.location_id = k.location_id AND b.lot = k.lot
   AND b.category = k.category
CROSS JOIN LATERAL (
    SELECT x.posting_date, b.quantity + k.delta - x.after AS balance
    FROM (
        SELECT l.posting_date,
            coalesce(sum(l.quantity) OVER (
                ORDER BY l.posting_date DESC, l.entered_at DESC, l.movement_id DESC,
                    l.line_no DESC
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS after
        FROM inventory.goods_movement_lines l
        WHERE l.organization_id = app.current_org() AND l.material_id = k.material_id
          AND l.plant_id = k.plant_id AND l.posting_date > k.from_date
          AND l.location_id = k.location_id AND l.lot = k.lot AND l.category = k.category
        UNION ALL
        -- The end of the posting date itself, where the new line goes.
        SELECT k.from_date, coalesce(sum(l.quantity), 0)
        FROM inventory.goods_movement_lines l
        WHERE l.organization_id = app.current_org() AND l.material_id = k.material_id
          AND l.plant_id = k.plant_id AND l.posting_date > k.from_date
          AND l.location_id = k.location_id AND l.lot = k.lot AND l.category = k.category
    ) x
    ORDER BY balance, x.posting_date
    LIMIT 1
) d
WHERE d.balance < 0 AND NOT b.negative_allowed
ORDER BY k.idx;

-- name: revalue
-- Run the moving-average walk (inventory.revalue_many, migration 0018) for each material
-- and plant ($1 material_id, $2 plant_id) on its slice $3..$4 (1-based, inclusive) of the
-- new lines' columns: $5 posting dates, $6 quantities, $7 values, $8 valuations. Returns
-- every new line's value, in the order of the columns.
SELECT inventory.revalue_many($1::uuid[], $2::uuid[], $3::integer[], $4::integer[],
    $5::date[], $6::numeric[], $7::numeric[], $8::text[]) AS amounts;

-- name: lines_after
-- The valued ledger lines of material $1[i] in plant $2[i] dated after $3[i]: what a
-- back-dated posting's walk may restate (read before and after it, so the change can be
-- published).
SELECT l.posting_date, l.movement_id, l.line_no, l.movement_type, l.material_id,
    l.plant_id, l.location_id, l.lot, l.category, l.quantity, l.entry_quantity,
    l.entry_unit, l.value, l.reservation_id
FROM unnest($1::uuid[], $2::uuid[], $3::date[]) AS p(material_id, plant_id, after_date)
JOIN inventory.goods_movement_lines l
    ON l.organization_id = app.current_org() AND l.material_id = p.material_id
    AND l.plant_id = p.plant_id AND l.posting_date > p.after_date AND l.valuation <> 'none'
ORDER BY l.posting_date, l.movement_id, l.line_no;

-- name: reservations_for_issue
-- The reservations $1, locked: an issue withdraws from them.
SELECT id, plant_id, material_id, location_id, lot, status, quantity, withdrawn,
    (expires_at IS NOT NULL AND expires_at <= now()) AS expired
FROM inventory.reservations
WHERE organization_id = app.current_org() AND id = ANY ($1::uuid[])
ORDER BY id
FOR UPDATE;

-- name: reservations_withdraw
-- Withdraw $2 (base unit; negative for a reversal) from reservations $1: closed when
-- fully withdrawn, open again when a reversal gives back (unless cancelled).
UPDATE inventory.reservations r
SET withdrawn = least(r.quantity, greatest(0, r.withdrawn + w.quantity)),
    status = CASE
        WHEN r.status = 'cancelled' THEN 'cancelled'
        WHEN least(r.quantity, greatest(0, r.withdrawn + w.quantity)) >= r.quantity THEN 'closed'
        ELSE 'open' END,
    updated_at = now()
FROM (
    SELECT id, sum(quantity) AS quantity
    FROM unnest($1::uuid[], $2::numeric[]) AS x(id, quantity)
    GROUP BY id
) w
WHERE r.organization_id = app.current_org() AND r.id = w.id;

-- name: lines_of_movements
-- The lines of documents $1 posted on the dates $2 (the partition key prunes the months).
SELECT gl.movement_id, gl.line_no, gl.material_id, gl.plant_id, gl.location_id, gl.lot, gl.category,
    gl.quantity, m.base_unit AS unit, gl.entry_quantity, gl.entry_unit, gl.value,
    gl.valuation, gl.reservation_id, gl.serials, gl.entered_at, gl.entered_by
FROM inventory.goods_movement_lines gl
JOIN inventory.materials m ON m.organization_id = gl.organization_id AND m.id = gl.material_id
WHERE gl.organization_id = app.current_org() AND gl.posting_date = ANY ($2::date[])
  AND gl.movement_id = ANY ($1::uuid[])
ORDER BY gl.movement_id, gl.line_no;

-- name: movements_get
-- Goods movement documents $1.
SELECT id, plant_id, movement_type, posting_date, reference, reversal_of, created_at,
    created_by
FROM inventory.goods_movements
WHERE organization_id = app.current_org() AND id = ANY ($1::uuid[]);
