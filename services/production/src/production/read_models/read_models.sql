-- The read models of inventory's materials and BOMs.

-- name: material_upsert
-- Material $1 ($2 number, $3 description, $4 type, $5 base_unit, $6 status, $7 version,
-- $8 deleted): an older version never overwrites a newer one.
INSERT INTO production.materials (organization_id, id, number, description, type, base_unit,
    status, version, deleted)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (organization_id, id) DO UPDATE
SET number = excluded.number, description = excluded.description, type = excluded.type,
    base_unit = excluded.base_unit, status = excluded.status, version = excluded.version,
    deleted = excluded.deleted
WHERE production.materials.version <= excluded.version;

-- name: material_mark_deleted
-- Material $1 was deleted in inventory.
UPDATE production.materials SET deleted = true
WHERE organization_id = app.current_org() AND id = $1;

-- name: materials_get
-- Materials by id ($1 uuid[]), deleted ones too (the caller says why it refuses them).
SELECT id, number, description, type, base_unit, status, deleted
FROM production.materials
WHERE organization_id = app.current_org() AND id = ANY($1::uuid[]);

-- name: bom_upsert
-- BOM version $1 ($2 material, $3 plant or null, $4 usage, $5 alternative, $6 status,
-- $7 valid_from, $8 valid_to, $9 base_quantity, $10 base_unit, $11 items jsonb,
-- $12 version); an older version never overwrites a newer one.
INSERT INTO production.boms (organization_id, id, material_id, plant_id, usage, alternative,
    status, valid_from, valid_to, base_quantity, base_unit, items, version)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text::jsonb, $12)
ON CONFLICT (organization_id, id) DO UPDATE
SET status = excluded.status, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
    version = excluded.version,
    items = CASE WHEN excluded.items = '[]'::jsonb THEN production.boms.items
                 ELSE excluded.items END
WHERE production.boms.version <= excluded.version;

-- name: bom_status
-- A change of BOM version $1 ($2 status, $3 valid_from, $4 valid_to, $5 version) that
-- carries no items; unknown versions (drafts never released) are ignored.
UPDATE production.boms
SET status = $2, valid_from = $3, valid_to = $4, version = $5
WHERE organization_id = app.current_org() AND id = $1 AND version <= $5;

-- name: bom_for
-- The released production BOM of each material in $1 (uuid[]) valid on $3 in plant $2:
-- a plant's own before one for every plant, then the lowest alternative.
SELECT DISTINCT ON (material_id) id, material_id, base_quantity, base_unit, items
FROM production.boms
WHERE organization_id = app.current_org() AND material_id = ANY($1::uuid[])
  AND usage = 'production' AND status = 'released'
  AND (plant_id = $2 OR plant_id IS NULL)
  AND valid_from <= $3 AND (valid_to IS NULL OR valid_to >= $3)
ORDER BY material_id, plant_id NULLS LAST, alternative;
