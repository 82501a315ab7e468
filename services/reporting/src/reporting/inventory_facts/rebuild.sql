-- The rebuild of the inventory rollups from the movement facts, set-based, by the same
-- sums as facts.sql (a test proves both give the same rows). The daily rollups of the
-- days are recomputed; the current stock of every material and lot with a fact in those
-- days is recomputed from all its facts (it is a sum over all time).

-- name: delete_plant_daily
-- Plant rollup rows of the current organization in days [$1, $2].
DELETE FROM reporting.inventory_plant_daily
WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2;

-- name: rebuild_plant_daily
-- Plant rollup rows of days [$1, $2] from the facts. Returns the rows written.
WITH written AS (
    INSERT INTO reporting.inventory_plant_daily (organization_id, bucket_day, plant_id,
        movement_type, documents, lines, quantity_in, quantity_out, value_in, value_out)
    SELECT app.current_org(), posting_date, plant_id, movement_type,
        count(DISTINCT movement_id), count(*),
        coalesce(sum(quantity) FILTER (WHERE quantity > 0), 0),
        coalesce(-sum(quantity) FILTER (WHERE quantity <= 0), 0),
        coalesce(sum(value) FILTER (WHERE quantity > 0), 0),
        coalesce(-sum(value) FILTER (WHERE quantity <= 0), 0)
    FROM reporting.inventory_movement_facts
    WHERE organization_id = app.current_org() AND posting_date BETWEEN $1 AND $2
    GROUP BY 2, 3, 4
    RETURNING 1
)
SELECT count(*) FROM written;

-- name: delete_daily
-- Material rollup rows of the current organization in days [$1, $2].
DELETE FROM reporting.inventory_daily
WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2;

-- name: rebuild_daily
-- Material rollup rows of days [$1, $2] from the facts. Returns the rows written.
WITH written AS (
    INSERT INTO reporting.inventory_daily (organization_id, bucket_day, plant_id,
        material_id, movement_type, lines, quantity_in, quantity_out, value_in, value_out)
    SELECT app.current_org(), posting_date, plant_id, material_id, movement_type, count(*),
        coalesce(sum(quantity) FILTER (WHERE quantity > 0), 0),
        coalesce(-sum(quantity) FILTER (WHERE quantity <= 0), 0),
        coalesce(sum(value) FILTER (WHERE quantity > 0), 0),
        coalesce(-sum(value) FILTER (WHERE quantity <= 0), 0)
    FROM reporting.inventory_movement_facts
    WHERE organization_id = app.current_org() AND posting_date BETWEEN $1 AND $2
    GROUP BY 2, 3, 4, 5
    RETURNING 1
)
SELECT count(*) FROM written;

-- name: delete_monthly
-- Monthly rows (plant, and material) of the months that days [$1, $2] fall in: a month is
-- recomputed whole, even when the days cover part of it.
WITH plants AS (
    DELETE FROM reporting.inventory_plant_monthly
    WHERE organization_id = app.current_org()
      AND bucket_month BETWEEN date_trunc('month', $1::date) AND date_trunc('month', $2::date)
    RETURNING 1
)
DELETE FROM reporting.inventory_monthly
WHERE organization_id = app.current_org()
  AND bucket_month BETWEEN date_trunc('month', $1::date) AND date_trunc('month', $2::date);

-- name: rebuild_monthly
-- Monthly rows of the months of days [$1, $2], from all their facts (after
-- delete_monthly). Returns the plant rows written.
WITH facts AS (
    SELECT date_trunc('month', posting_date)::date AS bucket_month, plant_id, material_id,
        quantity, value
    FROM reporting.inventory_movement_facts
    WHERE organization_id = app.current_org()
      AND posting_date >= date_trunc('month', $1::date)
      AND posting_date < date_trunc('month', $2::date) + interval '1 month'
), materials AS (
    INSERT INTO reporting.inventory_monthly (organization_id, bucket_month, plant_id,
        material_id, lines, net_quantity, net_value)
    SELECT app.current_org(), bucket_month, plant_id, material_id, count(*), sum(quantity),
        sum(value)
    FROM facts
    GROUP BY 2, 3, 4
    RETURNING 1
), plants AS (
    INSERT INTO reporting.inventory_plant_monthly (organization_id, bucket_month, plant_id,
        lines, net_quantity, net_value)
    SELECT app.current_org(), bucket_month, plant_id, count(*), sum(quantity), sum(value)
    FROM facts
    GROUP BY 2, 3
    RETURNING 1
)
SELECT count(*) FROM plants;

-- name: delete_stock
-- The current stock rows of every (plant, material) with a fact in days [$1, $2], and of
-- their lots: rebuild_stock writes them again from all their facts.
WITH touched AS (
    SELECT DISTINCT plant_id, material_id
    FROM reporting.inventory_movement_facts
    WHERE organization_id = app.current_org() AND posting_date BETWEEN $1 AND $2
), lots AS (
    DELETE FROM reporting.inventory_lot_stock s
    USING touched t
    WHERE s.organization_id = app.current_org() AND s.plant_id = t.plant_id
      AND s.material_id = t.material_id
    RETURNING 1
)
DELETE FROM reporting.inventory_material_stock s
USING touched t
WHERE s.organization_id = app.current_org() AND s.plant_id = t.plant_id
  AND s.material_id = t.material_id;

-- name: rebuild_stock
-- The current stock of every (plant, material) and (plant, material, lot) with a fact in
-- days [$1, $2], from all its facts (after delete_stock). Returns the material rows.
WITH touched AS (
    SELECT DISTINCT plant_id, material_id
    FROM reporting.inventory_movement_facts
    WHERE organization_id = app.current_org() AND posting_date BETWEEN $1 AND $2
), facts AS (
    SELECT f.plant_id, f.material_id, f.lot, f.posting_date, f.quantity, f.value
    FROM reporting.inventory_movement_facts f
    JOIN touched t ON t.plant_id = f.plant_id AND t.material_id = f.material_id
    WHERE f.organization_id = app.current_org()
), lots AS (
    INSERT INTO reporting.inventory_lot_stock (organization_id, plant_id, material_id, lot,
        lines, quantity, first_received)
    SELECT app.current_org(), plant_id, material_id, lot, count(*), sum(quantity),
        min(posting_date) FILTER (WHERE quantity > 0)
    FROM facts
    WHERE lot <> ''
    GROUP BY 2, 3, 4
    RETURNING 1
), materials AS (
    INSERT INTO reporting.inventory_material_stock (organization_id, plant_id, material_id,
        lines, quantity, value)
    SELECT app.current_org(), plant_id, material_id, count(*), sum(quantity), sum(value)
    FROM facts
    GROUP BY 2, 3
    RETURNING 1
)
SELECT count(*) FROM materials;  -- every CTE runs to completion, read or not
