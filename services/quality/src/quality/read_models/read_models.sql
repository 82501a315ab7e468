-- Materials and work orders as quality keeps them.

-- name: material_upsert
-- Material $1 ($2 number, $3 description, $4 base_unit, $5 version): an older version
-- never overwrites a newer one.
INSERT INTO quality.materials (organization_id, id, number, description, base_unit, version)
VALUES (app.current_org(), $1, $2, $3, $4, $5)
ON CONFLICT (organization_id, id) DO UPDATE
SET number = excluded.number, description = excluded.description,
    base_unit = excluded.base_unit, version = excluded.version, deleted = false
WHERE quality.materials.version <= excluded.version;

-- name: material_deleted
-- Material $1 was deleted in inventory (kept: inspections and NCRs name it).
UPDATE quality.materials SET deleted = true WHERE organization_id = app.current_org() AND id = $1;

-- name: materials_get
-- Materials by id ($1 uuid[]).
SELECT id, number, description, base_unit, deleted FROM quality.materials
WHERE organization_id = app.current_org() AND id = ANY($1::uuid[]);

-- name: work_order_upsert
-- Work order $1 (plant $2, number $3, material $4, quantity $5, lot $6).
INSERT INTO quality.work_orders (organization_id, id, plant_id, number, material_id, quantity,
    output_lot)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6)
ON CONFLICT (organization_id, id) DO UPDATE
SET quantity = excluded.quantity, output_lot = excluded.output_lot;

-- name: work_order_get
-- Work order $1.
SELECT id, plant_id, number, material_id, quantity, output_lot FROM quality.work_orders
WHERE organization_id = app.current_org() AND id = $1;

-- name: work_order_by_number
-- The work order numbered $1 (a goods movement names its order by number).
SELECT id, plant_id, number, material_id, quantity, output_lot FROM quality.work_orders
WHERE organization_id = app.current_org() AND number = $1;

-- name: lot_stock_apply
-- Posted quantities per lot added to what quality knows is in stock (arrays: $1 plant,
-- $2 material, $3 lot, $4 quantity, $5 unit; one entry per key).
INSERT INTO quality.lot_stock (organization_id, plant_id, material_id, lot, quantity, unit)
SELECT app.current_org(), p, m, l, q, u
FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::numeric[], $5::text[]) AS x(p, m, l, q, u)
ON CONFLICT (organization_id, material_id, plant_id, lot) DO UPDATE
SET quantity = quality.lot_stock.quantity + excluded.quantity, updated_at = now();
