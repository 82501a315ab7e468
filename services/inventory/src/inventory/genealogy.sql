-- Lot genealogy: kept per posting, traced backward and forward, rebuilt from the ledger.
-- A lot is (material_id, lot) with lot '' for a material without lots.

-- ---------------------------------------------------------------- kept per posting

-- name: genealogy_orders_lock
-- Serialize the postings of order references $1 (sorted) until commit. An issue and a
-- receipt of the same order committing side by side would each miss the other's row and
-- the link between them; the statements after this lock read a snapshot that holds the
-- other's commit.
SELECT count(pg_advisory_xact_lock(
    hashtextextended('inventory.lot_genealogy/' || app.current_org()::text || '/' || r, 0)))
FROM unnest($1::text[]) AS r;

-- name: genealogy_flows_add
-- Add to the flows ($1 plant, $2 reference, $3 role, $4 material, $5 lot, $6 quantity:
-- a posting's lines summed per order, role, material and lot, positive for what was
-- issued, received, delivered or scrapped, negative for a reversal). Returns the orders
-- (plant and reference) whose inputs or outputs changed.
WITH flow AS (
    INSERT INTO inventory.lot_flows AS f (organization_id, plant_id, reference, role,
        material_id, lot, quantity)
    SELECT app.current_org(), d.plant_id, d.reference, d.role, d.material_id, d.lot,
        d.quantity
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::numeric[])
        AS d(plant_id, reference, role, material_id, lot, quantity)
    ORDER BY d.plant_id, d.reference, d.role, d.material_id, d.lot
    ON CONFLICT (organization_id, plant_id, reference, role, material_id, lot) DO UPDATE
    SET quantity = f.quantity + excluded.quantity, updated_at = now()
    RETURNING f.plant_id, f.reference, f.role
)
SELECT DISTINCT plant_id, reference FROM flow
WHERE role IN ('input', 'output') AND reference <> '';

-- name: genealogy_links_set
-- The links of orders ($1 plant, $2 reference) from their flows as they are now: every
-- input lot with a positive net into every output lot with a positive net, created or
-- updated. (Between two materials without lots a link says nothing the flows do not:
-- which orders took and gave them; skipping it keeps an order of many lot-less parts from
-- writing every input times every output.)
-- Each order's flows are read by one probe of the primary key (LATERAL) and paired in
-- memory. As joins of sets the plan depended on statistics and on the connection's plan
-- cache: right after lot_flows had grown (estimated at one row) it was scanned once per
-- order, and a generic plan paired a batch's flows with each other through a filter,
-- 1-4 s for the 834 orders of a 5,000-line batch; stale statistics can still make each
-- probe a bitmap scan, so there is one per order, not one per input.
INSERT INTO inventory.lot_links AS l (organization_id, plant_id, order_reference,
    input_material_id, input_lot, output_material_id, output_lot, input_quantity,
    output_quantity)
SELECT app.current_org(), o.plant_id, o.reference, i.material_id, i.lot, x.material_id,
    x.lot, i.quantity, x.quantity
FROM unnest($1::uuid[], $2::text[]) AS o(plant_id, reference)
CROSS JOIN LATERAL (
    SELECT array_agg(f.role) AS roles, array_agg(f.material_id) AS materials,
        array_agg(f.lot) AS lots, array_agg(f.quantity) AS quantities
    FROM inventory.lot_flows f
    WHERE f.organization_id = app.current_org() AND f.plant_id = o.plant_id
      AND f.reference = o.reference AND f.role IN ('input', 'output') AND f.quantity > 0
) f
CROSS JOIN LATERAL unnest(f.roles, f.materials, f.lots, f.quantities)
    AS i(role, material_id, lot, quantity)
CROSS JOIN LATERAL unnest(f.roles, f.materials, f.lots, f.quantities)
    AS x(role, material_id, lot, quantity)
WHERE i.role = 'input' AND x.role = 'output' AND (i.lot <> '' OR x.lot <> '')
ORDER BY 2, 3, 4, 5, 6, 7
ON CONFLICT (organization_id, plant_id, order_reference, input_material_id, input_lot,
    output_material_id, output_lot) DO UPDATE
SET input_quantity = excluded.input_quantity, output_quantity = excluded.output_quantity,
    updated_at = now()
WHERE (l.input_quantity, l.output_quantity)
    IS DISTINCT FROM (excluded.input_quantity, excluded.output_quantity);

-- name: genealogy_links_prune
-- Delete the links of orders ($1 plant, $2 reference) whose input or output lot no longer
-- has a positive net (reversed out): the lot did not go into that order. Only orders whose
-- flows went down are given: a link between two positive nets stays one while they grow.
DELETE FROM inventory.lot_links l
USING unnest($1::uuid[], $2::text[]) AS o(plant_id, reference)
WHERE l.organization_id = app.current_org() AND l.plant_id = o.plant_id
  AND l.order_reference = o.reference
  AND (NOT EXISTS (
          SELECT 1 FROM inventory.lot_flows i
          WHERE i.organization_id = l.organization_id AND i.plant_id = l.plant_id
            AND i.reference = l.order_reference AND i.role = 'input'
            AND i.material_id = l.input_material_id AND i.lot = l.input_lot
            AND i.quantity > 0)
       OR NOT EXISTS (
          SELECT 1 FROM inventory.lot_flows x
          WHERE x.organization_id = l.organization_id AND x.plant_id = l.plant_id
            AND x.reference = l.order_reference AND x.role = 'output'
            AND x.material_id = l.output_material_id AND x.lot = l.output_lot
            AND x.quantity > 0));

-- ---------------------------------------------------------------- traces
--
-- Each trace is one statement answering one JSON document (a LotTrace). The recursion
-- walks links breadth-first; a row is a link at a depth, and UNION drops a row already
-- produced, so a lot reached by several links of one depth is expanded once per depth and
-- a cycle (a lot reworked into itself) ends at the depth limit instead of looping. A lot
-- without a lot number ('') is shown but not followed, except as the root. At most $4
-- links are answered; `complete` says whether anything was left out.

-- name: trace_backward
-- What went into lot $2 ('' = none) of material $1, up to $3 orders deep, at most $4 links;
-- ends: the lots' receipts with no recorded input (purchased, or not issued to yet).
-- No row when the material does not exist.
WITH RECURSIVE step AS (
    SELECT 1 AS depth, l.plant_id, l.order_reference, l.input_material_id, l.input_lot,
        l.output_material_id, l.output_lot, l.input_quantity, l.output_quantity
    FROM inventory.lot_links l
    WHERE l.organization_id = app.current_org() AND l.output_material_id = $1
      AND l.output_lot = $2::text
    UNION
    SELECT s.depth + 1, l.plant_id, l.order_reference, l.input_material_id, l.input_lot,
        l.output_material_id, l.output_lot, l.input_quantity, l.output_quantity
    FROM step s
    JOIN inventory.lot_links l ON l.organization_id = app.current_org()
        AND l.output_material_id = s.input_material_id AND l.output_lot = s.input_lot
    WHERE s.depth < $3::integer AND s.input_lot <> ''
),
found AS (
    SELECT * FROM step LIMIT $4::integer + 1
),
link AS (
    SELECT min(depth) AS depth, plant_id, order_reference, input_material_id, input_lot,
        output_material_id, output_lot, input_quantity, output_quantity
    FROM (SELECT * FROM found LIMIT $4::integer) kept
    GROUP BY plant_id, order_reference, input_material_id, input_lot, output_material_id,
        output_lot, input_quantity, output_quantity
),
node AS (
    SELECT material_id, lot, min(depth) AS depth
    FROM (
        SELECT $1::uuid, $2::text, 0
        UNION ALL
        SELECT input_material_id, input_lot, depth FROM link
    ) reached (material_id, lot, depth)
    GROUP BY material_id, lot
),
lot_end AS (
    SELECT f.material_id, f.lot, 'receipt' AS kind, f.plant_id, f.reference, f.quantity
    FROM node n
    JOIN inventory.lot_flows f ON f.organization_id = app.current_org()
        AND f.material_id = n.material_id AND f.lot = n.lot AND f.role = 'output'
        AND f.quantity > 0
    WHERE (n.lot <> '' OR n.depth = 0)
      AND NOT EXISTS (
          SELECT 1 FROM inventory.lot_links l
          WHERE l.organization_id = app.current_org() AND l.output_material_id = f.material_id
            AND l.output_lot = f.lot AND l.plant_id = f.plant_id
            AND l.order_reference = f.reference)
    LIMIT $4::integer + 1
),
lot_doc AS (
    SELECT material_id, lot, max(depth) AS depth,
        coalesce(json_agg(json_build_object(
            'kind', kind, 'plant_id', plant_id, 'reference', nullif(reference, ''),
            'quantity', quantity::text) ORDER BY kind, reference, plant_id)
            FILTER (WHERE kind IS NOT NULL), '[]'::json) AS ends
    FROM (
        SELECT material_id, lot, depth, NULL AS kind, NULL::uuid AS plant_id,
            NULL AS reference, NULL::numeric AS quantity
        FROM node
        UNION ALL
        SELECT material_id, lot, NULL, kind, plant_id, reference, quantity
        FROM (SELECT * FROM lot_end LIMIT $4::integer) kept
    ) lot_row
    GROUP BY material_id, lot
)
SELECT json_build_object(
    'direction', 'backward',
    'material_id', $1::uuid,
    'lot', nullif($2::text, ''),
    'max_depth', $3::integer,
    'complete', (SELECT count(*) FROM found) <= $4::integer
        AND (SELECT count(*) FROM lot_end) <= $4::integer
        AND NOT EXISTS (
            SELECT 1 FROM node n
            JOIN inventory.lot_links l ON l.organization_id = app.current_org()
                AND l.output_material_id = n.material_id AND l.output_lot = n.lot
            WHERE n.depth = $3::integer AND n.lot <> ''),
    'lots', (
        SELECT coalesce(json_agg(json_build_object(
            'material_id', n.material_id, 'material_number', m.number,
            'lot', nullif(n.lot, ''), 'unit', m.base_unit, 'depth', n.depth,
            'ends', n.ends) ORDER BY n.depth, m.number, n.lot), '[]'::json)
        FROM lot_doc n
        JOIN inventory.materials m ON m.organization_id = app.current_org()
            AND m.id = n.material_id),
    'links', (
        SELECT coalesce(json_agg(json_build_object(
            'depth', depth, 'plant_id', plant_id, 'order_reference', order_reference,
            'input_material_id', input_material_id, 'input_lot', nullif(input_lot, ''),
            'input_quantity', input_quantity::text,
            'output_material_id', output_material_id, 'output_lot', nullif(output_lot, ''),
            'output_quantity', output_quantity::text)
            ORDER BY depth, order_reference, output_material_id, output_lot,
                input_material_id, input_lot), '[]'::json)
        FROM link)
)::text AS trace
WHERE EXISTS (
    SELECT 1 FROM inventory.materials
    WHERE organization_id = app.current_org() AND id = $1);

-- name: trace_forward
-- Where lot $2 ('' = none) of material $1 went, up to $3 orders deep, at most $4 links;
-- ends: the lots' deliveries, scrap, and issues to orders that produced nothing yet.
-- No row when the material does not exist.
WITH RECURSIVE step AS (
    SELECT 1 AS depth, l.plant_id, l.order_reference, l.input_material_id, l.input_lot,
        l.output_material_id, l.output_lot, l.input_quantity, l.output_quantity
    FROM inventory.lot_links l
    WHERE l.organization_id = app.current_org() AND l.input_material_id = $1
      AND l.input_lot = $2::text
    UNION
    SELECT s.depth + 1, l.plant_id, l.order_reference, l.input_material_id, l.input_lot,
        l.output_material_id, l.output_lot, l.input_quantity, l.output_quantity
    FROM step s
    JOIN inventory.lot_links l ON l.organization_id = app.current_org()
        AND l.input_material_id = s.output_material_id AND l.input_lot = s.output_lot
    WHERE s.depth < $3::integer AND s.output_lot <> ''
),
found AS (
    SELECT * FROM step LIMIT $4::integer + 1
),
link AS (
    SELECT min(depth) AS depth, plant_id, order_reference, input_material_id, input_lot,
        output_material_id, output_lot, input_quantity, output_quantity
    FROM (SELECT * FROM found LIMIT $4::integer) kept
    GROUP BY plant_id, order_reference, input_material_id, input_lot, output_material_id,
        output_lot, input_quantity, output_quantity
),
node AS (
    SELECT material_id, lot, min(depth) AS depth
    FROM (
        SELECT $1::uuid, $2::text, 0
        UNION ALL
        SELECT output_material_id, output_lot, depth FROM link
    ) reached (material_id, lot, depth)
    GROUP BY material_id, lot
),
lot_end AS (
    SELECT f.material_id, f.lot,
        CASE f.role WHEN 'input' THEN 'order' ELSE f.role END AS kind,
        f.plant_id, f.reference, f.quantity
    FROM node n
    JOIN inventory.lot_flows f ON f.organization_id = app.current_org()
        AND f.material_id = n.material_id AND f.lot = n.lot
        AND f.role IN ('input', 'delivery', 'scrap') AND f.quantity > 0
    WHERE (n.lot <> '' OR n.depth = 0)
      AND NOT (f.role = 'input' AND EXISTS (
          SELECT 1 FROM inventory.lot_links l
          WHERE l.organization_id = app.current_org() AND l.plant_id = f.plant_id
            AND l.order_reference = f.reference AND l.input_material_id = f.material_id
            AND l.input_lot = f.lot))
    LIMIT $4::integer + 1
),
lot_doc AS (
    SELECT material_id, lot, max(depth) AS depth,
        coalesce(json_agg(json_build_object(
            'kind', kind, 'plant_id', plant_id, 'reference', nullif(reference, ''),
            'quantity', quantity::text) ORDER BY kind, reference, plant_id)
            FILTER (WHERE kind IS NOT NULL), '[]'::json) AS ends
    FROM (
        SELECT material_id, lot, depth, NULL AS kind, NULL::uuid AS plant_id,
            NULL AS reference, NULL::numeric AS quantity
        FROM node
        UNION ALL
        SELECT material_id, lot, NULL, kind, plant_id, reference, quantity
        FROM (SELECT * FROM lot_end LIMIT $4::integer) kept
    ) lot_row
    GROUP BY material_id, lot
)
SELECT json_build_object(
    'direction', 'forward',
    'material_id', $1::uuid,
    'lot', nullif($2::text, ''),
    'max_depth', $3::integer,
    'complete', (SELECT count(*) FROM found) <= $4::integer
        AND (SELECT count(*) FROM lot_end) <= $4::integer
        AND NOT EXISTS (
            SELECT 1 FROM node n
            JOIN inventory.lot_links l ON l.organization_id = app.current_org()
                AND l.input_material_id = n.material_id AND l.input_lot = n.lot
            WHERE n.depth = $3::integer AND n.lot <> ''),
    'lots', (
        SELECT coalesce(json_agg(json_build_object(
            'material_id', n.material_id, 'material_number', m.number,
            'lot', nullif(n.lot, ''), 'unit', m.base_unit, 'depth', n.depth,
            'ends', n.ends) ORDER BY n.depth, m.number, n.lot), '[]'::json)
        FROM lot_doc n
        JOIN inventory.materials m ON m.organization_id = app.current_org()
            AND m.id = n.material_id),
    'links', (
        SELECT coalesce(json_agg(json_build_object(
            'depth', depth, 'plant_id', plant_id, 'order_reference', order_reference,
            'input_material_id', input_material_id, 'input_lot', nullif(input_lot, ''),
            'input_quantity', input_quantity::text,
            'output_material_id', output_material_id, 'output_lot', nullif(output_lot, ''),
            'output_quantity', output_quantity::text)
            ORDER BY depth, order_reference, input_material_id, input_lot,
                output_material_id, output_lot), '[]'::json)
        FROM link)
)::text AS trace
WHERE EXISTS (
    SELECT 1 FROM inventory.materials
    WHERE organization_id = app.current_org() AND id = $1);

-- ---------------------------------------------------------------- rebuilt from the ledger

-- name: genealogy_clear
-- Forget the organization's genealogy, before it is rebuilt from the ledger.
WITH links AS (
    DELETE FROM inventory.lot_links WHERE organization_id = app.current_org()
)
DELETE FROM inventory.lot_flows WHERE organization_id = app.current_org();

-- name: genealogy_rebuild
-- The organization's genealogy from its whole ledger, with the roles the postings use:
-- movement type $1[i] counts in role $2[i] with sign $3[i]; an input needs a reference.
-- The links pair each order's positive inputs with its positive outputs, read from the
-- flows written by the same statement (not from the table, whose statistics do not know
-- them yet). The ledger's policy hides plants outside the transaction's plants: scope it
-- to all of them.
WITH flow AS (
    INSERT INTO inventory.lot_flows (organization_id, plant_id, reference, role, material_id,
        lot, quantity)
    SELECT app.current_org(), gl.plant_id, coalesce(gm.reference, ''), r.role,
        gl.material_id, gl.lot, sum(r.sign * gl.quantity)
    FROM inventory.goods_movement_lines gl
    JOIN inventory.goods_movements gm ON gm.organization_id = gl.organization_id
        AND gm.id = gl.movement_id
    JOIN unnest($1::text[], $2::text[], $3::integer[]) AS r(movement_type, role, sign)
        ON r.movement_type = gl.movement_type
    WHERE gl.organization_id = app.current_org()
      AND (gm.reference IS NOT NULL OR r.role <> 'input')
    GROUP BY gl.plant_id, coalesce(gm.reference, ''), r.role, gl.material_id, gl.lot
    RETURNING plant_id, reference, role, material_id, lot, quantity
)
INSERT INTO inventory.lot_links (organization_id, plant_id, order_reference,
    input_material_id, input_lot, output_material_id, output_lot, input_quantity,
    output_quantity)
SELECT app.current_org(), i.plant_id, i.reference, i.material_id, i.lot, o.material_id,
    o.lot, i.quantity, o.quantity
FROM flow i
JOIN flow o ON o.plant_id = i.plant_id AND o.reference = i.reference AND o.role = 'output'
    AND o.quantity > 0
WHERE i.role = 'input' AND i.quantity > 0 AND i.reference <> ''
  AND (i.lot <> '' OR o.lot <> '');
