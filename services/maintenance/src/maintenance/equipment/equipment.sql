-- Equipment and its documents.

-- name: insert
-- Equipment ($1 plant, $2 parent, $3 level, $4 code, $5 name, $6 criticality,
-- $7 work_center_id, $8 manufacturer, $9 model, $10 serial_number, $11 year_built,
-- $12 installed_on, $13 status); no row when the code is taken in the plant.
INSERT INTO maintenance.equipment (organization_id, plant_id, parent_id, level, code, name,
    criticality, work_center_id, manufacturer, model, serial_number, year_built, installed_on,
    status)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT (organization_id, plant_id, code) DO NOTHING
RETURNING id, plant_id, parent_id, level, code, name, criticality, work_center_id, manufacturer, model,
    serial_number, year_built, installed_on, status, version, created_at, created_by, updated_at,
    updated_by;

-- name: get
-- Equipment $1.
SELECT id, plant_id, parent_id, level, code, name, criticality, work_center_id, manufacturer, model,
    serial_number, year_built, installed_on, status, version, created_at, created_by, updated_at,
    updated_by
FROM maintenance.equipment
WHERE organization_id = app.current_org() AND id = $1;

-- name: lock
-- Equipment $1, locked for a change.
SELECT id, plant_id, parent_id, level, code, name, criticality, work_center_id, manufacturer, model,
    serial_number, year_built, installed_on, status, version, created_at, created_by, updated_at,
    updated_by
FROM maintenance.equipment
WHERE organization_id = app.current_org() AND id = $1
FOR UPDATE;

-- name: get_many
-- Equipment by id ($1 uuid[]).
SELECT id, plant_id, parent_id, level, code, name, criticality, work_center_id, manufacturer, model,
    serial_number, year_built, installed_on, status, version, created_at, created_by, updated_at,
    updated_by
FROM maintenance.equipment
WHERE organization_id = app.current_org() AND id = ANY($1::uuid[]);

-- name: update
-- Equipment $1's changeable fields ($2 name, $3 criticality, $4 work_center_id,
-- $5 manufacturer, $6 model, $7 serial_number, $8 year_built, $9 installed_on,
-- $10 status); bumps the version.
UPDATE maintenance.equipment
SET name = $2, criticality = $3, work_center_id = $4, manufacturer = $5, model = $6,
    serial_number = $7, year_built = $8, installed_on = $9, status = $10,
    version = version + 1, updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1
RETURNING id, plant_id, parent_id, level, code, name, criticality, work_center_id, manufacturer, model,
    serial_number, year_built, installed_on, status, version, created_at, created_by, updated_at,
    updated_by;

-- name: delete
-- Equipment $1; fails on a foreign key while it has children, meters, plans or orders.
DELETE FROM maintenance.equipment
WHERE organization_id = app.current_org() AND id = $1
RETURNING id;

-- name: page
-- Equipment of plant $1 (null: every plant of the token) under parent $2 (null: any;
-- $3 true: only the plant's top level), of level $4, in (plant, code) order after
-- ($5 plant, $6 code), at most $7.
SELECT id, plant_id, parent_id, level, code, name, criticality, work_center_id, manufacturer, model,
    serial_number, year_built, installed_on, status, version, created_at, created_by, updated_at,
    updated_by
FROM maintenance.equipment
WHERE organization_id = app.current_org()
  AND ($1::uuid IS NULL OR plant_id = $1)
  AND ($2::uuid IS NULL OR parent_id = $2)
  AND (NOT $3 OR parent_id IS NULL)
  AND ($4::text IS NULL OR level = $4)
  AND ($5::uuid IS NULL OR (plant_id, code) > ($5, $6::text))
ORDER BY plant_id, code
LIMIT $7;

-- name: subtree
-- Equipment $1 and everything under it, with its depth: one recursive query.
WITH RECURSIVE tree AS (
    SELECT e.id, 0 AS depth FROM maintenance.equipment e
    WHERE e.organization_id = app.current_org() AND e.id = $1
    UNION ALL
    SELECT c.id, t.depth + 1 FROM tree t
    JOIN maintenance.equipment c
      ON c.organization_id = app.current_org() AND c.parent_id = t.id
    WHERE t.depth < 20
)
SELECT e.id, e.plant_id, e.parent_id, e.level, e.code, e.name, e.criticality,
    e.work_center_id, e.manufacturer, e.model, e.serial_number, e.year_built, e.installed_on,
    e.status, e.version, e.created_at, e.created_by, e.updated_at, e.updated_by, t.depth
FROM tree t JOIN maintenance.equipment e
  ON e.organization_id = app.current_org() AND e.id = t.id
ORDER BY t.depth, e.code;

-- name: by_work_center
-- The equipment that is production work center $1.
SELECT id, plant_id, parent_id, level, code, name, criticality, work_center_id, manufacturer, model,
    serial_number, year_built, installed_on, status, version, created_at, created_by, updated_at,
    updated_by
FROM maintenance.equipment
WHERE organization_id = app.current_org() AND work_center_id = $1
ORDER BY level DESC, code;

-- name: document_insert
-- A document of equipment $1 (plant $2): $3 filename, $4 content type, $5 size, $6 the
-- object's key.
INSERT INTO maintenance.equipment_documents (organization_id, plant_id, equipment_id, filename,
    content_type, size_bytes, object_key)
VALUES (app.current_org(), $2, $1, $3, $4, $5, $6)
RETURNING id, equipment_id, filename, content_type, size_bytes, uploaded_at, uploaded_by;

-- name: documents
-- Equipment $1's documents, newest first.
SELECT id, equipment_id, filename, content_type, size_bytes, uploaded_at, uploaded_by
FROM maintenance.equipment_documents
WHERE organization_id = app.current_org() AND equipment_id = $1
ORDER BY id DESC;

-- name: document_get
-- Document $2 of equipment $1: where it is (its key; the bytes themselves for a row
-- written before the object store).
SELECT filename, content_type, size_bytes, object_key, content
FROM maintenance.equipment_documents
WHERE organization_id = app.current_org() AND equipment_id = $1 AND id = $2;

-- name: document_delete
-- Document $2 of equipment $1 (a trigger queues its object for deletion); its id and key
-- back (no key: a row from before the object store).
DELETE FROM maintenance.equipment_documents
WHERE organization_id = app.current_org() AND equipment_id = $1 AND id = $2
RETURNING id, object_key;
