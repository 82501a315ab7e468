-- Inspection plans and the defect catalogue.

-- name: next_revision
-- The next revision of the scope ($1 material, $2 plant, $3 trigger, $4 operation,
-- $5 supplier).
SELECT coalesce(max(revision), 0) + 1 FROM quality.inspection_plans
WHERE organization_id = app.current_org() AND material_id = $1 AND plant_id = $2
  AND trigger = $3 AND coalesce(operation_no, -1) = coalesce($4::integer, -1)
  AND coalesce(supplier, '') = coalesce($5::text, '');

-- name: insert
-- A plan version ($1 plant, $2 material, $3 trigger, $4 operation, $5 supplier,
-- $6 revision, $7 valid_from, $8 valid_to, $9 sampling, $10 aql, $11 level,
-- $12 sample_size, $13 period_days, $14 characteristics, $15 description) as a draft.
INSERT INTO quality.inspection_plans (organization_id, plant_id, material_id, trigger,
    operation_no, supplier, revision, valid_from, valid_to, sampling, aql, inspection_level,
    sample_size, period_days, characteristics, description)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
        $14::text::jsonb, $15)
RETURNING id, plant_id, material_id, trigger, operation_no, supplier, revision, status, valid_from,
    valid_to, sampling, aql, inspection_level, sample_size, period_days,
    characteristics::text AS characteristics, description, version, created_at, updated_at;

-- name: get
-- Plan $1.
SELECT id, plant_id, material_id, trigger, operation_no, supplier, revision, status, valid_from,
    valid_to, sampling, aql, inspection_level, sample_size, period_days,
    characteristics::text AS characteristics, description, version, created_at, updated_at FROM quality.inspection_plans
WHERE organization_id = app.current_org() AND id = $1;

-- name: lock
-- Plan $1, locked.
SELECT id, plant_id, material_id, trigger, operation_no, supplier, revision, status, valid_from,
    valid_to, sampling, aql, inspection_level, sample_size, period_days,
    characteristics::text AS characteristics, description, version, created_at, updated_at FROM quality.inspection_plans
WHERE organization_id = app.current_org() AND id = $1
FOR UPDATE;

-- name: save
-- Plan $1: $2 status, $3 valid_from, $4 valid_to, $5 sampling, $6 aql, $7 level,
-- $8 sample_size, $9 period_days, $10 characteristics, $11 description; bumps the version.
UPDATE quality.inspection_plans
SET status = $2, valid_from = $3, valid_to = $4, sampling = $5, aql = $6,
    inspection_level = $7, sample_size = $8, period_days = $9,
    characteristics = $10::text::jsonb, description = $11, version = version + 1,
    updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1
RETURNING id, plant_id, material_id, trigger, operation_no, supplier, revision, status, valid_from,
    valid_to, sampling, aql, inspection_level, sample_size, period_days,
    characteristics::text AS characteristics, description, version, created_at, updated_at;

-- name: released_of_scope
-- Released versions of plan $1's scope, locked: a release ends the one it succeeds.
SELECT o.id, o.valid_from, o.valid_to FROM quality.inspection_plans o
JOIN quality.inspection_plans p ON p.organization_id = o.organization_id AND p.id = $1
WHERE o.organization_id = app.current_org() AND o.status = 'released' AND o.id <> $1
  AND o.material_id = p.material_id AND o.plant_id = p.plant_id AND o.trigger = p.trigger
  AND coalesce(o.operation_no, -1) = coalesce(p.operation_no, -1)
  AND coalesce(o.supplier, '') = coalesce(p.supplier, '')
ORDER BY o.valid_from
FOR UPDATE OF o;

-- name: end_validity
-- Plan $1 ends on $2.
UPDATE quality.inspection_plans SET valid_to = $2, version = version + 1, updated_at = now()
WHERE organization_id = app.current_org() AND id = $1;

-- name: applicable
-- The released plan for ($1 material, $2 plant, $3 trigger) valid on $4: the one of the
-- operation $5 / supplier $6 first, else the general one.
SELECT id, plant_id, material_id, trigger, operation_no, supplier, revision, status, valid_from,
    valid_to, sampling, aql, inspection_level, sample_size, period_days,
    characteristics::text AS characteristics, description, version, created_at, updated_at FROM quality.inspection_plans
WHERE organization_id = app.current_org() AND material_id = $1 AND plant_id = $2
  AND trigger = $3 AND status = 'released'
  AND valid_from <= $4 AND (valid_to IS NULL OR valid_to >= $4)
  AND (operation_no IS NULL OR operation_no = $5)
  AND (supplier IS NULL OR supplier = $6)
ORDER BY (operation_no IS NULL), (supplier IS NULL)
LIMIT 1;

-- name: planned_materials
-- Which of the materials $2 have a released plan for trigger $3 in plant $1 valid on $4
-- (any operation or supplier): a receipt of many lines asks once, not once per line.
SELECT DISTINCT material_id FROM quality.inspection_plans
WHERE organization_id = app.current_org() AND plant_id = $1 AND material_id = ANY($2::uuid[])
  AND trigger = $3 AND status = 'released'
  AND valid_from <= $4 AND (valid_to IS NULL OR valid_to >= $4);

-- name: page
-- Plans: $1 material, $2 plant, $3 status (each null: any), in creation order after $4,
-- at most $5.
SELECT id, plant_id, material_id, trigger, operation_no, supplier, revision, status, valid_from,
    valid_to, sampling, aql, inspection_level, sample_size, period_days,
    characteristics::text AS characteristics, description, version, created_at, updated_at FROM quality.inspection_plans
WHERE organization_id = app.current_org()
  AND ($1::uuid IS NULL OR material_id = $1)
  AND ($2::uuid IS NULL OR plant_id = $2)
  AND ($3::text IS NULL OR status = $3)
  AND ($4::uuid IS NULL OR id > $4)
ORDER BY id
LIMIT $5;

-- name: expiring
-- Released plans whose validity ends between $1 and $2 and that were not warned of it.
SELECT id, plant_id, material_id, trigger, operation_no, supplier, revision, status, valid_from,
    valid_to, sampling, aql, inspection_level, sample_size, period_days,
    characteristics::text AS characteristics, description, version, created_at, updated_at FROM quality.inspection_plans
WHERE organization_id = app.current_org() AND status = 'released'
  AND valid_to BETWEEN $1 AND $2
  AND expiry_warned_for IS DISTINCT FROM valid_to
ORDER BY valid_to, id;

-- name: defect_upsert
-- Defect code $1: $2 name, $3 severity, $4 active.
INSERT INTO quality.defect_codes (organization_id, code, name, severity, active)
VALUES (app.current_org(), $1, $2, $3, $4)
ON CONFLICT (organization_id, code) DO UPDATE
SET name = excluded.name, severity = excluded.severity, active = excluded.active
RETURNING code, name, severity, active;

-- name: defects
-- The defect catalogue in code order.
SELECT code, name, severity, active FROM quality.defect_codes
WHERE organization_id = app.current_org()
ORDER BY code;

-- name: periodic
-- Released periodic plans valid on $1, after plan $2 (null: from the start), at most $3.
SELECT id, plant_id, material_id, trigger, operation_no, supplier, revision, status, valid_from,
    valid_to, sampling, aql, inspection_level, sample_size, period_days,
    characteristics::text AS characteristics, description, version, created_at, updated_at
FROM quality.inspection_plans
WHERE organization_id = app.current_org() AND trigger = 'periodic' AND status = 'released'
  AND valid_from <= $1 AND (valid_to IS NULL OR valid_to >= $1)
  AND ($2::uuid IS NULL OR id > $2)
ORDER BY id
LIMIT $3;

-- name: expiry_warned
-- Plans $1 warned of the end of their validity (as it is now).
UPDATE quality.inspection_plans SET expiry_warned_for = valid_to
WHERE organization_id = app.current_org() AND id = ANY($1::uuid[]);
