-- Cycle count sheets and their lines. RLS scopes every statement to the transaction's
-- organization and plants; the explicit organization_id keeps the tenant the leading
-- index condition.

-- name: materials_existing
-- Which of the ids $1 are materials.
SELECT id FROM inventory.materials
WHERE organization_id = app.current_org() AND id = ANY ($1::uuid[]);

-- name: cycle_count_candidates
-- What a new sheet of plant $1 counts, with each item's book quantity (the freeze):
-- the balances in locations $2 and every location under them, of materials $3 when given;
-- or, without locations, every balance of materials $3 in the plant; plus the items
-- ($5 material, $6 location, $7 lot; book 0 when there is no balance). Balances at zero
-- only when $4. In walking order (location code, material number, lot), at most $8 rows;
-- active_sheet_id names another open sheet that already counts the item.
WITH RECURSIVE subtree (id) AS (
    SELECT l.id FROM inventory.storage_locations l
    WHERE l.organization_id = app.current_org() AND l.plant_id = $1 AND l.id = ANY ($2::uuid[])
    UNION
    SELECT c.id FROM inventory.storage_locations c
    JOIN subtree s ON c.parent_id = s.id
    WHERE c.organization_id = app.current_org() AND c.plant_id = $1
), chosen AS (
    SELECT b.material_id, b.location_id, b.lot, b.quantity
    FROM inventory.stock_balances b
    WHERE b.organization_id = app.current_org() AND b.plant_id = $1
      AND b.category = 'unrestricted'
      AND b.location_id IN (SELECT id FROM subtree)
      AND (cardinality($3::uuid[]) = 0 OR b.material_id = ANY ($3::uuid[]))
      AND ($4::boolean OR b.quantity <> 0)
    UNION ALL
    -- A one-time filter: this branch runs only when no locations were chosen.
    SELECT b.material_id, b.location_id, b.lot, b.quantity
    FROM inventory.stock_balances b
    WHERE cardinality($2::uuid[]) = 0 AND b.category = 'unrestricted'
      AND b.organization_id = app.current_org() AND b.material_id = ANY ($3::uuid[])
      AND b.plant_id = $1 AND ($4::boolean OR b.quantity <> 0)
    UNION ALL
    SELECT i.material_id, i.location_id, i.lot, coalesce(b.quantity, 0)
    FROM unnest($5::uuid[], $6::uuid[], $7::text[]) AS i (material_id, location_id, lot)
    LEFT JOIN inventory.stock_balances b
        ON b.organization_id = app.current_org() AND b.material_id = i.material_id
       AND b.plant_id = $1 AND b.location_id = i.location_id AND b.lot = i.lot
       AND b.category = 'unrestricted'
), items AS (
    SELECT DISTINCT material_id, location_id, lot, quantity FROM chosen
)
SELECT i.material_id, i.location_id, i.lot, i.quantity AS book_quantity,
    other.cycle_count_id AS active_sheet_id
FROM items i
JOIN inventory.storage_locations l
    ON l.organization_id = app.current_org() AND l.plant_id = $1 AND l.id = i.location_id
JOIN inventory.materials m ON m.organization_id = app.current_org() AND m.id = i.material_id
LEFT JOIN inventory.cycle_count_lines other
    ON other.organization_id = app.current_org() AND other.material_id = i.material_id
   AND other.plant_id = $1 AND other.location_id = i.location_id AND other.lot = i.lot
   AND other.active
ORDER BY l.code, m.number_key, i.lot
LIMIT $8;

-- name: cycle_count_insert
-- A new open sheet for plant $1: $2 reference, $3 tolerance_percent, $4 tolerance_quantity,
-- $5 location_ids, $6 material_ids (as chosen), $7 its number of lines (all uncounted).
INSERT INTO inventory.cycle_counts (organization_id, plant_id, reference, tolerance_percent,
    tolerance_quantity, location_ids, material_ids, line_count, uncounted_lines)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $7)
RETURNING id, plant_id, reference, status, tolerance_percent, tolerance_quantity,
    location_ids, material_ids, line_count, uncounted_lines, posting_date, surplus_movement_id,
    deficit_movement_id, version, created_at, created_by, updated_at, updated_by, posted_at,
    posted_by;

-- name: cycle_count_lines_insert
-- The lines of sheet $1 in plant $2, one per array element: $3 line_no, $4 material_id,
-- $5 location_id, $6 lot ('' = none), $7 frozen book quantity.
INSERT INTO inventory.cycle_count_lines (organization_id, cycle_count_id, line_no, plant_id,
    material_id, location_id, lot, book_quantity)
SELECT app.current_org(), $1, l.line_no, $2, l.material_id, l.location_id, l.lot,
    l.book_quantity
FROM unnest($3::integer[], $4::uuid[], $5::uuid[], $6::text[], $7::numeric[])
    AS l (line_no, material_id, location_id, lot, book_quantity);

-- name: cycle_count_get
-- Sheet $1.
SELECT id, plant_id, reference, status, tolerance_percent, tolerance_quantity, location_ids,
    material_ids, line_count, uncounted_lines, posting_date, surplus_movement_id,
    deficit_movement_id, version, created_at, created_by, updated_at, updated_by, posted_at,
    posted_by
FROM inventory.cycle_counts
WHERE organization_id = app.current_org() AND id = $1;

-- name: cycle_count_lock
-- Sheet $1, locked until the transaction ends: changes to a sheet take turns.
SELECT id, plant_id, reference, status, tolerance_percent, tolerance_quantity, location_ids,
    material_ids, line_count, uncounted_lines, posting_date, surplus_movement_id,
    deficit_movement_id, version, created_at, created_by, updated_at, updated_by, posted_at,
    posted_by
FROM inventory.cycle_counts
WHERE organization_id = app.current_org() AND id = $1
FOR UPDATE;

-- name: cycle_counts_page
-- Sheets, optionally of plant $1 and in status $2, newest first, before id $3, at most $4.
SELECT id, plant_id, reference, status, tolerance_percent, tolerance_quantity, location_ids,
    material_ids, line_count, uncounted_lines, posting_date, surplus_movement_id,
    deficit_movement_id, version, created_at, created_by, updated_at, updated_by, posted_at,
    posted_by
FROM inventory.cycle_counts
WHERE organization_id = app.current_org()
  AND ($1::uuid IS NULL OR plant_id = $1)
  AND ($2::text IS NULL OR status = $2)
  AND ($3::uuid IS NULL OR id < $3)
ORDER BY id DESC
LIMIT $4;

-- name: cycle_count_lines_of
-- The lines of sheet $1 in line order, with material number, location code and base unit.
SELECT cl.line_no, cl.material_id, m.number AS material_number, cl.location_id,
    l.code AS location_code, nullif(cl.lot, '') AS lot, m.base_unit AS unit, cl.book_quantity,
    cl.counted_quantity, cl.book_at_count, cl.difference,
    coalesce(cl.book_at_count <> cl.book_quantity, false) AS moved_during_count,
    cl.counted_at, cl.counted_by, cl.count_round, cl.previous_counted_quantity
FROM inventory.cycle_count_lines cl
JOIN inventory.materials m ON m.organization_id = cl.organization_id AND m.id = cl.material_id
JOIN inventory.storage_locations l
    ON l.organization_id = cl.organization_id AND l.plant_id = cl.plant_id
   AND l.id = cl.location_id
WHERE cl.organization_id = app.current_org() AND cl.cycle_count_id = $1
ORDER BY cl.line_no;

-- name: cycle_count_lines_state
-- Which of lines $2 of sheet $1 exist, and whether each has a count.
SELECT line_no, counted_quantity IS NOT NULL AS counted
FROM inventory.cycle_count_lines
WHERE organization_id = app.current_org() AND cycle_count_id = $1
  AND line_no = ANY ($2::integer[]);

-- name: cycle_count_lines_enter
-- Enter counts on sheet $1: $2 line numbers, $3 counted quantities. The count is compared
-- with the book as it is now (the on hand of the line's item), not as it was frozen.
UPDATE inventory.cycle_count_lines cl
SET counted_quantity = e.counted_quantity,
    book_at_count = coalesce((
        SELECT b.quantity FROM inventory.stock_balances b
        WHERE b.organization_id = cl.organization_id AND b.material_id = cl.material_id
          AND b.plant_id = cl.plant_id AND b.location_id = cl.location_id AND b.lot = cl.lot
          AND b.category = 'unrestricted'),
        0),
    counted_at = now(), counted_by = app.current_user_id()
FROM unnest($2::integer[], $3::numeric[]) AS e (line_no, counted_quantity)
WHERE cl.organization_id = app.current_org() AND cl.cycle_count_id = $1
  AND cl.line_no = e.line_no;

-- name: cycle_count_lines_recount
-- Clear the counts of lines $2 of sheet $1 for another round, keeping the replaced count.
UPDATE inventory.cycle_count_lines
SET previous_counted_quantity = counted_quantity, counted_quantity = NULL,
    book_at_count = NULL, counted_at = NULL, counted_by = NULL, count_round = count_round + 1
WHERE organization_id = app.current_org() AND cycle_count_id = $1
  AND line_no = ANY ($2::integer[]) AND counted_quantity IS NOT NULL;

-- name: cycle_count_lines_close
-- Sheet $1 is done (posted or cancelled): its items may go on another sheet.
UPDATE inventory.cycle_count_lines SET active = false
WHERE organization_id = app.current_org() AND cycle_count_id = $1 AND active;

-- name: cycle_count_set_status
-- Sheet $1 to status $2 with $3 uncounted lines; bumps the version.
UPDATE inventory.cycle_counts
SET status = $2, uncounted_lines = $3,
    version = version + 1, updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1
RETURNING id, plant_id, reference, status, tolerance_percent, tolerance_quantity,
    location_ids, material_ids, line_count, uncounted_lines, posting_date, surplus_movement_id,
    deficit_movement_id, version, created_at, created_by, updated_at, updated_by, posted_at,
    posted_by;

-- name: cycle_count_update
-- Replace reference $2 and tolerances ($3 percent, $4 quantity) of sheet $1.
UPDATE inventory.cycle_counts
SET reference = $2, tolerance_percent = $3, tolerance_quantity = $4,
    version = version + 1, updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1
RETURNING id, plant_id, reference, status, tolerance_percent, tolerance_quantity,
    location_ids, material_ids, line_count, uncounted_lines, posting_date, surplus_movement_id,
    deficit_movement_id, version, created_at, created_by, updated_at, updated_by, posted_at,
    posted_by;

-- name: cycle_count_posted
-- Sheet $1 posted on $2 by the documents $3 (701, surplus) and $4 (702, deficit), either
-- NULL when there was nothing to book that way.
UPDATE inventory.cycle_counts
SET status = 'posted', posting_date = $2, surplus_movement_id = $3, deficit_movement_id = $4,
    posted_at = now(), posted_by = app.current_user_id(),
    version = version + 1, updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1
RETURNING id, plant_id, reference, status, tolerance_percent, tolerance_quantity,
    location_ids, material_ids, line_count, uncounted_lines, posting_date, surplus_movement_id,
    deficit_movement_id, version, created_at, created_by, updated_at, updated_by, posted_at,
    posted_by;
