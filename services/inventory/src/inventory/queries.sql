-- Every statement the inventory service runs. Each block names its parameters; RLS
-- scopes every table to the transaction's organization (and plants), and the explicit
-- organization_id = app.current_org() keeps the tenant the leading index condition.
-- Inserts take the organization from the transaction, never from a parameter.

-- ---------------------------------------------------------------- transaction scope

-- name: tenant_scope
-- Scope the current transaction to organization $1, plants $2 (comma-separated) and user
-- $3, as unison_pg does for the pool; for owner connections that seed data.
SELECT set_config('app.organization_id', $1::text, true),
    set_config('app.plant_ids', $2::text, true),
    set_config('app.user_id', $3::text, true);

-- ---------------------------------------------------------------- units of measure

-- name: units_page
-- Units in code order after $1 (NULL = from the start), at most $2.
SELECT code, name, dimension, factor_numerator, factor_denominator, version, created_at,
    created_by
FROM inventory.units
WHERE organization_id = app.current_org() AND ($1::text IS NULL OR code > $1)
ORDER BY code
LIMIT $2;

-- name: units_by_codes
-- The units with the codes in $1.
SELECT code, name, dimension, factor_numerator, factor_denominator, version, created_at,
    created_by
FROM inventory.units
WHERE organization_id = app.current_org() AND code = ANY ($1::text[]);

-- name: unit_insert
-- A new unit: $1 code, $2 name, $3 dimension, $4/$5 factor; no row when the code is taken.
INSERT INTO inventory.units (organization_id, code, name, dimension, factor_numerator,
    factor_denominator)
VALUES (app.current_org(), $1, $2, $3, $4, $5)
ON CONFLICT (organization_id, code) DO NOTHING
RETURNING code, name, dimension, factor_numerator, factor_denominator, version, created_at,
    created_by;

-- ---------------------------------------------------------------- materials

-- name: material_get
-- The material with id $1.
SELECT id, number, description, type, base_unit, material_group, gross_weight, net_weight,
    weight_unit, length, width, height, dimension_unit, status, negative_stock_allowed, lot_managed,
    serial_managed,
    version, created_at,
    created_by, updated_at, updated_by
FROM inventory.materials
WHERE organization_id = app.current_org() AND id = $1;

-- name: material_lock
-- The material with id $1, locked until the transaction ends.
SELECT id, number, description, type, base_unit, material_group, gross_weight, net_weight,
    weight_unit, length, width, height, dimension_unit, status, negative_stock_allowed, lot_managed,
    serial_managed,
    version, created_at,
    created_by, updated_at, updated_by
FROM inventory.materials
WHERE organization_id = app.current_org() AND id = $1
FOR UPDATE;

-- name: material_id_by_number
-- The id of the material numbered $1 (any case).
SELECT id FROM inventory.materials
WHERE organization_id = app.current_org() AND number_key = lower($1);

-- name: material_insert
-- A new material; no row when the number is taken (ignoring case).
-- $1 number, $2 description, $3 type, $4 base_unit, $5 material_group, $6 gross_weight,
-- $7 net_weight, $8 weight_unit, $9 length, $10 width, $11 height, $12 dimension_unit,
-- $13 status, $14 negative_stock_allowed, $15 lot_managed, $16 serial_managed.
INSERT INTO inventory.materials (organization_id, number, description, type, base_unit,
    material_group, gross_weight, net_weight, weight_unit, length, width, height,
    dimension_unit, status, negative_stock_allowed, lot_managed, serial_managed)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
    $16)
ON CONFLICT (organization_id, number_key) DO NOTHING
RETURNING id, number, description, type, base_unit, material_group, gross_weight, net_weight,
    weight_unit, length, width, height, dimension_unit, status, negative_stock_allowed, lot_managed,
    serial_managed,
    version, created_at,
    created_by, updated_at, updated_by;

-- name: material_update
-- Replace the fields of material $1 and bump its version; same parameters as
-- material_insert, shifted by one.
UPDATE inventory.materials
SET number = $2, description = $3, type = $4, base_unit = $5, material_group = $6,
    gross_weight = $7, net_weight = $8, weight_unit = $9, length = $10, width = $11,
    height = $12, dimension_unit = $13, status = $14, negative_stock_allowed = $15,
    lot_managed = $16, serial_managed = $17, version = version + 1, updated_at = now(),
    updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1
RETURNING id, number, description, type, base_unit, material_group, gross_weight, net_weight,
    weight_unit, length, width, height, dimension_unit, status, negative_stock_allowed, lot_managed,
    serial_managed,
    version, created_at,
    created_by, updated_at, updated_by;

-- name: material_touch
-- Bump the version of material $1 after a change to one of its parts (alternative units).
UPDATE inventory.materials
SET version = version + 1, updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1
RETURNING version;

-- name: material_delete
-- Delete material $1 (its alternative units go with it).
DELETE FROM inventory.materials
WHERE organization_id = app.current_org() AND id = $1;

-- ---------------------------------------------------------------- material lists

-- name: materials_by_number
-- One page of materials, ascending number, id breaking ties; filters are optional (NULL = any).
-- The cursor holds the last number itself; lower() turns it into the key.
-- $1 type, $2 status, $3 base_unit, $4 material_group; $5 search text in lower case: a
-- number prefix, or words that must each be in the description ($6, as ILIKE patterns)
-- or similar to one of its words ($7, for typos); $8 plant_id; $9/$10 the sort value and
-- id of the last row of the previous page; $11 limit.
SELECT m.id, m.number, m.description, m.type, m.base_unit, m.material_group, m.gross_weight,
    m.net_weight, m.weight_unit, m.length, m.width, m.height, m.dimension_unit, m.status,
    m.negative_stock_allowed, m.lot_managed, m.serial_managed, m.version, m.created_at, m.created_by, m.updated_at, m.updated_by
FROM inventory.materials m
WHERE m.organization_id = app.current_org()
  AND ($1::text IS NULL OR m.type = $1)
  AND ($2::text IS NULL OR m.status = $2)
  AND ($3::text IS NULL OR m.base_unit = $3)
  AND ($4::text IS NULL OR m.material_group = $4)
  AND ($5::text IS NULL
       OR starts_with(m.number_key, $5)
       OR NOT EXISTS (
           SELECT 1 FROM unnest($6::text[], $7::text[]) AS w(pattern, word)
           WHERE m.description NOT ILIKE w.pattern AND NOT w.word <<% m.description))
  AND ($8::uuid IS NULL OR EXISTS (
       SELECT 1 FROM inventory.material_plants p
       WHERE p.organization_id = m.organization_id AND p.material_id = m.id AND p.plant_id = $8))
  AND ($9::text IS NULL OR (m.number_key, m.id) > (lower($9::text), $10::uuid))
ORDER BY m.number_key, m.id
LIMIT $11;

-- name: materials_by_number_desc
-- One page of materials, descending number, id breaking ties; filters are optional (NULL = any).
-- The cursor holds the last number itself; lower() turns it into the key.
-- $1 type, $2 status, $3 base_unit, $4 material_group; $5 search text in lower case: a
-- number prefix, or words that must each be in the description ($6, as ILIKE patterns)
-- or similar to one of its words ($7, for typos); $8 plant_id; $9/$10 the sort value and
-- id of the last row of the previous page; $11 limit.
SELECT m.id, m.number, m.description, m.type, m.base_unit, m.material_group, m.gross_weight,
    m.net_weight, m.weight_unit, m.length, m.width, m.height, m.dimension_unit, m.status,
    m.negative_stock_allowed, m.lot_managed, m.serial_managed, m.version, m.created_at, m.created_by, m.updated_at, m.updated_by
FROM inventory.materials m
WHERE m.organization_id = app.current_org()
  AND ($1::text IS NULL OR m.type = $1)
  AND ($2::text IS NULL OR m.status = $2)
  AND ($3::text IS NULL OR m.base_unit = $3)
  AND ($4::text IS NULL OR m.material_group = $4)
  AND ($5::text IS NULL
       OR starts_with(m.number_key, $5)
       OR NOT EXISTS (
           SELECT 1 FROM unnest($6::text[], $7::text[]) AS w(pattern, word)
           WHERE m.description NOT ILIKE w.pattern AND NOT w.word <<% m.description))
  AND ($8::uuid IS NULL OR EXISTS (
       SELECT 1 FROM inventory.material_plants p
       WHERE p.organization_id = m.organization_id AND p.material_id = m.id AND p.plant_id = $8))
  AND ($9::text IS NULL OR (m.number_key, m.id) < (lower($9::text), $10::uuid))
ORDER BY m.number_key DESC, m.id DESC
LIMIT $11;

-- name: materials_by_created_at
-- One page of materials, oldest first, id breaking ties; filters are optional (NULL = any).
-- $1 type, $2 status, $3 base_unit, $4 material_group; $5 search text in lower case: a
-- number prefix, or words that must each be in the description ($6, as ILIKE patterns)
-- or similar to one of its words ($7, for typos); $8 plant_id; $9/$10 the sort value and
-- id of the last row of the previous page; $11 limit.
SELECT m.id, m.number, m.description, m.type, m.base_unit, m.material_group, m.gross_weight,
    m.net_weight, m.weight_unit, m.length, m.width, m.height, m.dimension_unit, m.status,
    m.negative_stock_allowed, m.lot_managed, m.serial_managed, m.version, m.created_at, m.created_by, m.updated_at, m.updated_by
FROM inventory.materials m
WHERE m.organization_id = app.current_org()
  AND ($1::text IS NULL OR m.type = $1)
  AND ($2::text IS NULL OR m.status = $2)
  AND ($3::text IS NULL OR m.base_unit = $3)
  AND ($4::text IS NULL OR m.material_group = $4)
  AND ($5::text IS NULL
       OR starts_with(m.number_key, $5)
       OR NOT EXISTS (
           SELECT 1 FROM unnest($6::text[], $7::text[]) AS w(pattern, word)
           WHERE m.description NOT ILIKE w.pattern AND NOT w.word <<% m.description))
  AND ($8::uuid IS NULL OR EXISTS (
       SELECT 1 FROM inventory.material_plants p
       WHERE p.organization_id = m.organization_id AND p.material_id = m.id AND p.plant_id = $8))
  AND ($9::timestamptz IS NULL OR (m.created_at, m.id) > ($9::timestamptz, $10::uuid))
ORDER BY m.created_at, m.id
LIMIT $11;

-- name: materials_by_created_at_desc
-- One page of materials, newest first, id breaking ties; filters are optional (NULL = any).
-- $1 type, $2 status, $3 base_unit, $4 material_group; $5 search text in lower case: a
-- number prefix, or words that must each be in the description ($6, as ILIKE patterns)
-- or similar to one of its words ($7, for typos); $8 plant_id; $9/$10 the sort value and
-- id of the last row of the previous page; $11 limit.
SELECT m.id, m.number, m.description, m.type, m.base_unit, m.material_group, m.gross_weight,
    m.net_weight, m.weight_unit, m.length, m.width, m.height, m.dimension_unit, m.status,
    m.negative_stock_allowed, m.lot_managed, m.serial_managed, m.version, m.created_at, m.created_by, m.updated_at, m.updated_by
FROM inventory.materials m
WHERE m.organization_id = app.current_org()
  AND ($1::text IS NULL OR m.type = $1)
  AND ($2::text IS NULL OR m.status = $2)
  AND ($3::text IS NULL OR m.base_unit = $3)
  AND ($4::text IS NULL OR m.material_group = $4)
  AND ($5::text IS NULL
       OR starts_with(m.number_key, $5)
       OR NOT EXISTS (
           SELECT 1 FROM unnest($6::text[], $7::text[]) AS w(pattern, word)
           WHERE m.description NOT ILIKE w.pattern AND NOT w.word <<% m.description))
  AND ($8::uuid IS NULL OR EXISTS (
       SELECT 1 FROM inventory.material_plants p
       WHERE p.organization_id = m.organization_id AND p.material_id = m.id AND p.plant_id = $8))
  AND ($9::timestamptz IS NULL OR (m.created_at, m.id) < ($9::timestamptz, $10::uuid))
ORDER BY m.created_at DESC, m.id DESC
LIMIT $11;

-- name: materials_by_updated_at
-- One page of materials, least recently changed first, id breaking ties; filters are optional (NULL = any).
-- $1 type, $2 status, $3 base_unit, $4 material_group; $5 search text in lower case: a
-- number prefix, or words that must each be in the description ($6, as ILIKE patterns)
-- or similar to one of its words ($7, for typos); $8 plant_id; $9/$10 the sort value and
-- id of the last row of the previous page; $11 limit.
SELECT m.id, m.number, m.description, m.type, m.base_unit, m.material_group, m.gross_weight,
    m.net_weight, m.weight_unit, m.length, m.width, m.height, m.dimension_unit, m.status,
    m.negative_stock_allowed, m.lot_managed, m.serial_managed, m.version, m.created_at, m.created_by, m.updated_at, m.updated_by
FROM inventory.materials m
WHERE m.organization_id = app.current_org()
  AND ($1::text IS NULL OR m.type = $1)
  AND ($2::text IS NULL OR m.status = $2)
  AND ($3::text IS NULL OR m.base_unit = $3)
  AND ($4::text IS NULL OR m.material_group = $4)
  AND ($5::text IS NULL
       OR starts_with(m.number_key, $5)
       OR NOT EXISTS (
           SELECT 1 FROM unnest($6::text[], $7::text[]) AS w(pattern, word)
           WHERE m.description NOT ILIKE w.pattern AND NOT w.word <<% m.description))
  AND ($8::uuid IS NULL OR EXISTS (
       SELECT 1 FROM inventory.material_plants p
       WHERE p.organization_id = m.organization_id AND p.material_id = m.id AND p.plant_id = $8))
  AND ($9::timestamptz IS NULL OR (m.updated_at, m.id) > ($9::timestamptz, $10::uuid))
ORDER BY m.updated_at, m.id
LIMIT $11;

-- name: materials_by_updated_at_desc
-- One page of materials, most recently changed first, id breaking ties; filters are optional (NULL = any).
-- $1 type, $2 status, $3 base_unit, $4 material_group; $5 search text in lower case: a
-- number prefix, or words that must each be in the description ($6, as ILIKE patterns)
-- or similar to one of its words ($7, for typos); $8 plant_id; $9/$10 the sort value and
-- id of the last row of the previous page; $11 limit.
SELECT m.id, m.number, m.description, m.type, m.base_unit, m.material_group, m.gross_weight,
    m.net_weight, m.weight_unit, m.length, m.width, m.height, m.dimension_unit, m.status,
    m.negative_stock_allowed, m.lot_managed, m.serial_managed, m.version, m.created_at, m.created_by, m.updated_at, m.updated_by
FROM inventory.materials m
WHERE m.organization_id = app.current_org()
  AND ($1::text IS NULL OR m.type = $1)
  AND ($2::text IS NULL OR m.status = $2)
  AND ($3::text IS NULL OR m.base_unit = $3)
  AND ($4::text IS NULL OR m.material_group = $4)
  AND ($5::text IS NULL
       OR starts_with(m.number_key, $5)
       OR NOT EXISTS (
           SELECT 1 FROM unnest($6::text[], $7::text[]) AS w(pattern, word)
           WHERE m.description NOT ILIKE w.pattern AND NOT w.word <<% m.description))
  AND ($8::uuid IS NULL OR EXISTS (
       SELECT 1 FROM inventory.material_plants p
       WHERE p.organization_id = m.organization_id AND p.material_id = m.id AND p.plant_id = $8))
  AND ($9::timestamptz IS NULL OR (m.updated_at, m.id) < ($9::timestamptz, $10::uuid))
ORDER BY m.updated_at DESC, m.id DESC
LIMIT $11;

-- ---------------------------------------------------------------- alternative units

-- name: material_units_of
-- The alternative units of material $1, in unit order.
SELECT unit, numerator, denominator, updated_at, updated_by
FROM inventory.material_units
WHERE organization_id = app.current_org() AND material_id = $1
ORDER BY unit;

-- name: material_unit_get
-- Alternative unit $2 of material $1.
SELECT unit, numerator, denominator, updated_at, updated_by
FROM inventory.material_units
WHERE organization_id = app.current_org() AND material_id = $1 AND unit = $2;

-- name: material_unit_upsert
-- Set alternative unit $2 of material $1 to $3/$4 base units.
INSERT INTO inventory.material_units (organization_id, material_id, unit, numerator, denominator)
VALUES (app.current_org(), $1, $2, $3, $4)
ON CONFLICT (organization_id, material_id, unit) DO UPDATE
SET numerator = excluded.numerator, denominator = excluded.denominator,
    updated_at = now(), updated_by = app.current_user_id()
RETURNING unit, numerator, denominator, updated_at, updated_by;

-- name: material_unit_delete
-- Remove alternative unit $2 of material $1; returns what was removed.
DELETE FROM inventory.material_units
WHERE organization_id = app.current_org() AND material_id = $1 AND unit = $2
RETURNING unit, numerator, denominator, updated_at, updated_by;

-- ---------------------------------------------------------------- plant data

-- name: material_plants_of
-- The plant data of material $1 in the plants the caller may see, by plant.
SELECT material_id, plant_id, procurement_type, reorder_point, safety_stock, lot_size,
    lead_time_days, default_storage_location, max_stock, version, created_at, created_by,
    updated_at, updated_by
FROM inventory.material_plants
WHERE organization_id = app.current_org() AND material_id = $1
ORDER BY plant_id;

-- name: material_plant_get
-- Plant $2 data of material $1.
SELECT material_id, plant_id, procurement_type, reorder_point, safety_stock, lot_size,
    lead_time_days, default_storage_location, max_stock, version, created_at, created_by,
    updated_at, updated_by
FROM inventory.material_plants
WHERE organization_id = app.current_org() AND material_id = $1 AND plant_id = $2;

-- name: material_plant_lock
-- Plant $2 data of material $1, locked until the transaction ends.
SELECT material_id, plant_id, procurement_type, reorder_point, safety_stock, lot_size,
    lead_time_days, default_storage_location, max_stock, version, created_at, created_by,
    updated_at, updated_by
FROM inventory.material_plants
WHERE organization_id = app.current_org() AND material_id = $1 AND plant_id = $2
FOR UPDATE;

-- name: material_plant_insert
-- New plant $2 data for material $1: $3 procurement_type, $4 reorder_point,
-- $5 safety_stock, $6 lot_size, $7 lead_time_days, $8 default_storage_location,
-- $9 max_stock. No row when it already exists.
INSERT INTO inventory.material_plants (organization_id, material_id, plant_id,
    procurement_type, reorder_point, safety_stock, lot_size, lead_time_days,
    default_storage_location, max_stock)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (organization_id, material_id, plant_id) DO NOTHING
RETURNING material_id, plant_id, procurement_type, reorder_point, safety_stock, lot_size,
    lead_time_days, default_storage_location, max_stock, version, created_at, created_by,
    updated_at, updated_by;

-- name: material_plant_update
-- Replace plant $2 data of material $1 and bump its version; parameters as the insert.
UPDATE inventory.material_plants
SET procurement_type = $3, reorder_point = $4, safety_stock = $5, lot_size = $6,
    lead_time_days = $7, default_storage_location = $8, max_stock = $9,
    version = version + 1, updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND material_id = $1 AND plant_id = $2
RETURNING material_id, plant_id, procurement_type, reorder_point, safety_stock, lot_size,
    lead_time_days, default_storage_location, max_stock, version, created_at, created_by,
    updated_at, updated_by;

-- name: material_plant_delete
-- Remove plant $2 data of material $1.
DELETE FROM inventory.material_plants
WHERE organization_id = app.current_org() AND material_id = $1 AND plant_id = $2;

-- ---------------------------------------------------------------- audit log

-- name: audit_insert
-- Record a change by the transaction's user: $1 entity, $2 entity_id, $3 material_id,
-- $4 plant_id, $5 action, $6 changes (JSON text: the same on any connection, whatever
-- jsonb codec it has), $7 request_id.
INSERT INTO inventory.audit_log (organization_id, actor, entity, entity_id, material_id,
    plant_id, action, changes, request_id)
VALUES (app.current_org(), app.current_user_id(), $1, $2, $3, $4, $5, $6::text::jsonb, $7);

-- name: material_history_page
-- Changes to material $1 and its parts, newest first, before ($2 occurred_at, $3 id) when
-- given, at most $4.
SELECT id, occurred_at, actor, entity, entity_id, plant_id, action, changes::text AS changes,
    request_id
FROM inventory.audit_log
WHERE organization_id = app.current_org() AND material_id = $1
  AND ($2::timestamptz IS NULL OR (occurred_at, id) < ($2::timestamptz, $3::uuid))
ORDER BY occurred_at DESC, id DESC
LIMIT $4;

-- ---------------------------------------------------------------- idempotency keys

-- name: idempotency_claim
-- Claim key $1 for a request with fingerprint $2. No row when the key exists; when another
-- transaction holds it uncommitted, this waits for that transaction to end.
INSERT INTO inventory.idempotency_keys (organization_id, key, request_fingerprint)
VALUES (app.current_org(), $1, $2)
ON CONFLICT (organization_id, key) DO NOTHING
RETURNING key;

-- name: idempotency_get
-- What key $1 was first used for and the response it got (the body as JSON text).
SELECT request_fingerprint, response_status, response_body::text AS response_body
FROM inventory.idempotency_keys
WHERE organization_id = app.current_org() AND key = $1;

-- name: idempotency_complete
-- Store the response ($2 status, $3 body as JSON text) of the request that claimed key $1.
UPDATE inventory.idempotency_keys
SET response_status = $2, response_body = $3::text::jsonb
WHERE organization_id = app.current_org() AND key = $1;

-- name: export_insert
-- An export file in the object store; $1 job id, $2 filename, $3 content type, $4 rows,
-- $5 size, $6 the object's key.
INSERT INTO inventory.exports (organization_id, job_id, filename, content_type, row_count,
                               size_bytes, object_key)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6)
RETURNING id;

-- name: export_get
-- An export that has not expired; $1 export id: where it is (its key; the bytes
-- themselves for a row written before the object store).
SELECT filename, content_type, size_bytes, object_key, content
FROM inventory.exports
WHERE organization_id = app.current_org() AND id = $1 AND expires_at > now();

-- name: exports_expire
-- The organization's export files past their week (a trigger queues their objects).
DELETE FROM inventory.exports
WHERE organization_id = app.current_org() AND expires_at < now();

-- ---------------------------------------------------------------- storage locations

-- name: location_insert
-- A new storage location in plant $1: $2 code, $3 name, $4 kind, $5 parent_id (same
-- plant). No row when the code is taken in the plant.
INSERT INTO inventory.storage_locations (organization_id, plant_id, code, name, kind, parent_id)
VALUES (app.current_org(), $1, $2, $3, $4, $5)
ON CONFLICT (organization_id, plant_id, code) DO NOTHING
RETURNING id, plant_id, code, name, kind, parent_id, created_at, created_by;

-- name: location_get
-- Storage location $2 of plant $1.
SELECT id, plant_id, code, name, kind, parent_id, created_at, created_by
FROM inventory.storage_locations
WHERE organization_id = app.current_org() AND plant_id = $1 AND id = $2;

-- name: location_rename
-- Rename storage location $2 of plant $1 to $3.
UPDATE inventory.storage_locations SET name = $3
WHERE organization_id = app.current_org() AND plant_id = $1 AND id = $2
RETURNING id, plant_id, code, name, kind, parent_id, created_at, created_by;

-- name: location_delete
-- Delete storage location $2 of plant $1 (a foreign key refuses it while sub-locations,
-- stock or reservations refer to it). Returns its id when it existed.
DELETE FROM inventory.storage_locations
WHERE organization_id = app.current_org() AND plant_id = $1 AND id = $2
RETURNING id;

-- name: locations_page
-- Storage locations of plant $1 in code order after code $2 (NULL = from the start), at
-- most $3.
SELECT id, plant_id, code, name, kind, parent_id, created_at, created_by
FROM inventory.storage_locations
WHERE organization_id = app.current_org() AND plant_id = $1 AND ($2::text IS NULL OR code > $2)
ORDER BY code
LIMIT $3;

-- name: locations_in_plant
-- Which of the ids $2 are storage locations of plant $1.
SELECT id FROM inventory.storage_locations
WHERE organization_id = app.current_org() AND plant_id = $1 AND id = ANY ($2::uuid[]);

-- ---------------------------------------------------------------- goods movements

-- name: movement_get
-- Goods movement document $1.
SELECT id, plant_id, movement_type, posting_date, reference, reversal_of, created_at,
    created_by
FROM inventory.goods_movements
WHERE organization_id = app.current_org() AND id = $1;

-- name: movement_reversed_by
-- The document that reversed document $1, if any.
SELECT id FROM inventory.goods_movements
WHERE organization_id = app.current_org() AND reversal_of = $1;

-- ---------------------------------------------------------------- stock

-- name: stock_page
-- On-hand rows, optionally of material $1, plant $2, location $3, lot $4 ('' = none),
-- category $5, in key order after ($6 material_id, $7 plant_id, $8 location_id, $9 lot,
-- $10 category), at most $11.
SELECT b.material_id, b.plant_id, b.location_id, b.lot, b.category, b.quantity,
    m.base_unit AS unit, b.updated_at
FROM inventory.stock_balances b
JOIN inventory.materials m ON m.organization_id = b.organization_id AND m.id = b.material_id
WHERE b.organization_id = app.current_org()
  AND ($1::uuid IS NULL OR b.material_id = $1)
  AND ($2::uuid IS NULL OR b.plant_id = $2)
  AND ($3::uuid IS NULL OR b.location_id = $3)
  AND ($4::text IS NULL OR b.lot = $4)
  AND ($5::text IS NULL OR b.category = $5)
  AND ($6::uuid IS NULL
       OR (b.material_id, b.plant_id, b.location_id, b.lot, b.category)
          > ($6, $7::uuid, $8::uuid, $9::text, $10::text))
ORDER BY b.material_id, b.plant_id, b.location_id, b.lot, b.category
LIMIT $11;
