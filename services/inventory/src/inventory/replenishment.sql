-- Reorder point planning: which material/plants are below their reorder point. RLS
-- scopes every statement to the transaction's organization and plants (the hourly check
-- scopes itself to all plants of its organization).

-- name: reorder_point_plants
-- The plants of the transaction's organization with planned materials or open crossings.
SELECT plant_id FROM inventory.reorder_point_plants() AS plant_id ORDER BY plant_id;

-- name: reorder_point_check
-- Compare on hand (unrestricted stock in every location and lot of the plant, summed per
-- material and plant; quality and blocked stock cannot be used)
-- with the reorder point of every planned material/plant in the transaction's plants, in
-- one pass: record the new crossings below, remove those back at or above it (or no longer
-- planned), and return both ('below' / 'recovered') with what the events tell.
WITH on_hand AS (
    SELECT b.material_id, b.plant_id, sum(b.quantity) AS quantity
    FROM inventory.stock_balances b
    WHERE b.organization_id = app.current_org() AND b.category = 'unrestricted'
    GROUP BY b.material_id, b.plant_id
), below AS (
    SELECT p.material_id, p.plant_id, coalesce(o.quantity, 0) AS on_hand, p.reorder_point
    FROM inventory.material_plants p
    LEFT JOIN on_hand o ON o.material_id = p.material_id AND o.plant_id = p.plant_id
    WHERE p.organization_id = app.current_org() AND p.reorder_point > 0
      AND coalesce(o.quantity, 0) < p.reorder_point
), compared AS (
    -- Only what changed: below and not yet recorded, or recorded and not below any more.
    SELECT coalesce(n.material_id, s.material_id) AS material_id,
        coalesce(n.plant_id, s.plant_id) AS plant_id, n.on_hand, n.reorder_point,
        s.material_id IS NOT NULL AS was_below
    FROM below n
    FULL JOIN (SELECT material_id, plant_id FROM inventory.below_reorder_point
               WHERE organization_id = app.current_org()) s
        ON s.material_id = n.material_id AND s.plant_id = n.plant_id
    WHERE n.material_id IS NULL OR s.material_id IS NULL
), crossed AS (
    -- ON CONFLICT: a check running at the same moment recorded it first, and told it.
    INSERT INTO inventory.below_reorder_point (organization_id, material_id, plant_id, on_hand,
        reorder_point)
    SELECT app.current_org(), material_id, plant_id, on_hand, reorder_point FROM compared
    WHERE NOT was_below
    ON CONFLICT (organization_id, material_id, plant_id) DO NOTHING
    RETURNING material_id, plant_id, on_hand, below_since
), recovered AS (
    DELETE FROM inventory.below_reorder_point s
    USING compared c
    WHERE c.was_below AND s.organization_id = app.current_org()
      AND s.material_id = c.material_id AND s.plant_id = c.plant_id
    RETURNING s.material_id, s.plant_id, s.below_since
), changed AS (
    SELECT 'below' AS change, material_id, plant_id, on_hand, below_since FROM crossed
    UNION ALL
    SELECT 'recovered', r.material_id, r.plant_id, coalesce(o.quantity, 0), r.below_since
    FROM recovered r
    LEFT JOIN on_hand o ON o.material_id = r.material_id AND o.plant_id = r.plant_id
)
SELECT c.change, c.material_id, m.number AS material_number, m.base_unit AS unit, c.plant_id,
    c.on_hand, nullif(p.reorder_point, 0) AS reorder_point, p.safety_stock, p.max_stock,
    p.lot_size, c.below_since
FROM changed c
JOIN inventory.materials m ON m.organization_id = app.current_org() AND m.id = c.material_id
LEFT JOIN inventory.material_plants p
    ON p.organization_id = app.current_org() AND p.material_id = c.material_id
   AND p.plant_id = c.plant_id
ORDER BY c.plant_id, c.material_id;

-- name: reorder_point_check_materials
-- reorder_point_check for the materials $1 only (in the transaction's plants): what a
-- posting runs for the stock it just moved.
WITH on_hand AS (
    SELECT b.material_id, b.plant_id, sum(b.quantity) AS quantity
    FROM inventory.stock_balances b
    WHERE b.organization_id = app.current_org() AND b.category = 'unrestricted' AND b.material_id = ANY ($1::uuid[])
    GROUP BY b.material_id, b.plant_id
), below AS (
    SELECT p.material_id, p.plant_id, coalesce(o.quantity, 0) AS on_hand, p.reorder_point
    FROM inventory.material_plants p
    LEFT JOIN on_hand o ON o.material_id = p.material_id AND o.plant_id = p.plant_id
    WHERE p.organization_id = app.current_org() AND p.reorder_point > 0 AND p.material_id = ANY ($1::uuid[])
      AND coalesce(o.quantity, 0) < p.reorder_point
), compared AS (
    -- Only what changed: below and not yet recorded, or recorded and not below any more.
    SELECT coalesce(n.material_id, s.material_id) AS material_id,
        coalesce(n.plant_id, s.plant_id) AS plant_id, n.on_hand, n.reorder_point,
        s.material_id IS NOT NULL AS was_below
    FROM below n
    FULL JOIN (SELECT material_id, plant_id FROM inventory.below_reorder_point
               WHERE organization_id = app.current_org()
                 AND material_id = ANY ($1::uuid[])) s
        ON s.material_id = n.material_id AND s.plant_id = n.plant_id
    WHERE n.material_id IS NULL OR s.material_id IS NULL
), crossed AS (
    -- ON CONFLICT: a check running at the same moment recorded it first, and told it.
    INSERT INTO inventory.below_reorder_point (organization_id, material_id, plant_id, on_hand,
        reorder_point)
    SELECT app.current_org(), material_id, plant_id, on_hand, reorder_point FROM compared
    WHERE NOT was_below
    ON CONFLICT (organization_id, material_id, plant_id) DO NOTHING
    RETURNING material_id, plant_id, on_hand, below_since
), recovered AS (
    DELETE FROM inventory.below_reorder_point s
    USING compared c
    WHERE c.was_below AND s.organization_id = app.current_org()
      AND s.material_id = c.material_id AND s.plant_id = c.plant_id
    RETURNING s.material_id, s.plant_id, s.below_since
), changed AS (
    SELECT 'below' AS change, material_id, plant_id, on_hand, below_since FROM crossed
    UNION ALL
    SELECT 'recovered', r.material_id, r.plant_id, coalesce(o.quantity, 0), r.below_since
    FROM recovered r
    LEFT JOIN on_hand o ON o.material_id = r.material_id AND o.plant_id = r.plant_id
)
SELECT c.change, c.material_id, m.number AS material_number, m.base_unit AS unit, c.plant_id,
    c.on_hand, nullif(p.reorder_point, 0) AS reorder_point, p.safety_stock, p.max_stock,
    p.lot_size, c.below_since
FROM changed c
JOIN inventory.materials m ON m.organization_id = app.current_org() AND m.id = c.material_id
LEFT JOIN inventory.material_plants p
    ON p.organization_id = app.current_org() AND p.material_id = c.material_id
   AND p.plant_id = c.plant_id
ORDER BY c.plant_id, c.material_id;

-- name: below_reorder_point_page
-- Material/plants below their reorder point (and still planned), optionally of plant $1,
-- longest below first, after ($2 below_since, $3 material_id, $4 plant_id), at most $5;
-- with today's on hand.
SELECT s.material_id, m.number AS material_number, m.description, s.plant_id,
    m.base_unit AS unit, oh.quantity AS on_hand, p.reorder_point, p.safety_stock, p.max_stock,
    p.lot_size, p.lead_time_days, s.below_since
FROM inventory.below_reorder_point s
JOIN inventory.materials m ON m.organization_id = s.organization_id AND m.id = s.material_id
JOIN inventory.material_plants p
    ON p.organization_id = s.organization_id AND p.material_id = s.material_id
   AND p.plant_id = s.plant_id AND p.reorder_point > 0
CROSS JOIN LATERAL (
    SELECT coalesce(sum(b.quantity), 0) AS quantity FROM inventory.stock_balances b
    WHERE b.organization_id = s.organization_id AND b.material_id = s.material_id
      AND b.plant_id = s.plant_id AND b.category = 'unrestricted'
) oh
WHERE s.organization_id = app.current_org()
  AND ($1::uuid IS NULL OR s.plant_id = $1)
  AND ($2::timestamptz IS NULL
       OR (s.below_since, s.material_id, s.plant_id) > ($2::timestamptz, $3::uuid, $4::uuid))
ORDER BY s.below_since, s.material_id, s.plant_id
LIMIT $5;
