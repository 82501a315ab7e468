-- Serial numbers: where each serial of a serial-managed material is now (the posting
-- engine keeps it), and its history, read from the ledger lines that name it.

-- name: serials_lock
-- The serials ($1 material_id, $2 serial; sorted by the caller) that exist, locked in key
-- order until commit. Run after the balance locks, so postings on the same stock are
-- already serialized; this lock covers a serial moving between stocks.
SELECT s.material_id, s.serial, s.plant_id, s.location_id, s.lot, s.category, s.in_stock,
    s.last_movement_id
FROM inventory.serial_numbers s
JOIN unnest($1::uuid[], $2::text[]) AS k(material_id, serial)
    ON s.material_id = k.material_id AND s.serial = k.serial
WHERE s.organization_id = app.current_org()
ORDER BY s.material_id, s.serial
FOR UPDATE OF s;

-- name: serials_apply
-- Where each serial ($1 material_id, $2 serial) is after a posting: $3 plant_id,
-- $4 location_id, $5 lot, $6 category (where it is, or the place it left), $7 in_stock,
-- $8 last_movement_id. $9 says whether it existed when read (then it is locked and
-- updated); a new one is inserted, unless another posting inserted it meanwhile (a serial
-- received twice at once, where no row existed to lock): it is then not returned, and the
-- caller refuses the posting.
WITH k AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[],
        $6::text[], $7::boolean[], $8::uuid[], $9::boolean[])
        AS k(material_id, serial, plant_id, location_id, lot, category, in_stock,
            last_movement_id, existed)
), moved AS (
    UPDATE inventory.serial_numbers s
    SET plant_id = k.plant_id, location_id = k.location_id, lot = k.lot,
        category = k.category, in_stock = k.in_stock, last_movement_id = k.last_movement_id,
        updated_at = now()
    FROM k
    WHERE k.existed AND s.organization_id = app.current_org()
      AND s.material_id = k.material_id AND s.serial = k.serial
    RETURNING s.material_id, s.serial
), created AS (
    INSERT INTO inventory.serial_numbers (organization_id, material_id, serial, plant_id,
        location_id, lot, category, in_stock, last_movement_id)
    SELECT app.current_org(), k.material_id, k.serial, k.plant_id, k.location_id, k.lot,
        k.category, k.in_stock, k.last_movement_id
    FROM k
    WHERE NOT k.existed
    ORDER BY k.material_id, k.serial
    ON CONFLICT (organization_id, material_id, serial) DO NOTHING
    RETURNING material_id, serial
)
SELECT material_id, serial FROM moved
UNION ALL
SELECT material_id, serial FROM created;

-- name: location_codes
-- The codes of storage locations $1 the caller can see, for messages.
SELECT id, code FROM inventory.storage_locations
WHERE organization_id = app.current_org() AND id = ANY ($1::uuid[]);

-- name: serials_page
-- Serials of material $1, in stock or not ($2, NULL: both), in plant $3, at location $4
-- (NULL: any), in serial order after $5, at most $6.
SELECT material_id, serial, plant_id, location_id, lot, category, in_stock,
    last_movement_id, updated_at
FROM inventory.serial_numbers
WHERE organization_id = app.current_org() AND material_id = $1
  AND ($2::boolean IS NULL OR in_stock = $2)
  AND ($3::uuid IS NULL OR plant_id = $3)
  AND ($4::uuid IS NULL OR location_id = $4)
  AND ($5::text IS NULL OR serial > $5)
ORDER BY serial
LIMIT $6;

-- name: serials_in_stock_page
-- The serials of material $1 in stock, in plant $2, at location $3 (NULL: any), in serial
-- order after $4, at most $5: the partial indexes of serials in stock serve it.
SELECT material_id, serial, plant_id, location_id, lot, category, in_stock,
    last_movement_id, updated_at
FROM inventory.serial_numbers
WHERE organization_id = app.current_org() AND material_id = $1 AND in_stock
  AND ($2::uuid IS NULL OR plant_id = $2)
  AND ($3::uuid IS NULL OR location_id = $3)
  AND ($4::text IS NULL OR serial > $4)
ORDER BY serial
LIMIT $5;

-- name: serial_get
-- Serial $2 of material $1.
SELECT material_id, serial, plant_id, location_id, lot, category, in_stock,
    last_movement_id, updated_at
FROM inventory.serial_numbers
WHERE organization_id = app.current_org() AND material_id = $1 AND serial = $2;

-- name: serial_history
-- The ledger lines of material $1 that name serial $2 (the GIN index on serials), newest
-- first as entered, at most $3; the lines of plants outside the caller's stay hidden.
SELECT gl.movement_id, gl.line_no, gl.movement_type, gl.posting_date, g.reference,
    g.reversal_of, gl.plant_id, gl.location_id, gl.lot, gl.category,
    CASE WHEN gl.quantity > 0 THEN 'in' ELSE 'out' END AS direction,
    gl.entered_at, gl.entered_by
FROM inventory.goods_movement_lines gl
JOIN inventory.goods_movements g ON g.organization_id = gl.organization_id
    AND g.id = gl.movement_id
WHERE gl.organization_id = app.current_org() AND gl.material_id = $1
  AND gl.serials @> ARRAY[$2::text]
ORDER BY gl.entered_at DESC, gl.movement_id DESC, gl.line_no DESC
LIMIT $3;
