-- Routings and their operations.

-- name: next_revision
-- The next revision number of material $1 in plant $2.
SELECT coalesce(max(revision), 0) + 1
FROM production.routings
WHERE organization_id = app.current_org() AND material_id = $1 AND plant_id = $2;

-- name: insert
-- A routing ($1 plant, $2 material, $3 revision, $4 valid_from, $5 valid_to,
-- $6 description) as a draft.
INSERT INTO production.routings (organization_id, plant_id, material_id, revision, valid_from,
    valid_to, description)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6)
RETURNING id;

-- name: operations_delete
-- Remove them, before operations_insert writes the new ones (a data-modifying CTE would not
-- see its own delete).
DELETE FROM production.routing_operations
WHERE organization_id = app.current_org() AND routing_id = $1;

-- name: operations_insert
-- Routing $1's operations become the arrays: $2 operation_no, $3 description,
-- $4 work_center_id, $5 alternatives (json arrays of uuid), $6 setup_seconds,
-- $7 cycle_seconds, $8 predecessors (json arrays), $9 inspection_required, $10 consumption,
-- $11 components (json arrays), $12 reports_output.
INSERT INTO production.routing_operations (organization_id, routing_id, operation_no,
    description, work_center_id, alternative_work_center_ids, setup_seconds, cycle_seconds,
    predecessors, inspection_required, consumption, components, reports_output)
SELECT app.current_org(), $1, n, d, w,
    ARRAY(SELECT jsonb_array_elements_text(a::jsonb))::uuid[], s, c,
    ARRAY(SELECT jsonb_array_elements_text(p::jsonb))::integer[], i, m,
    ARRAY(SELECT jsonb_array_elements_text(k::jsonb))::uuid[], o
FROM unnest($2::integer[], $3::text[], $4::uuid[], $5::text[], $6::integer[], $7::numeric[],
            $8::text[], $9::boolean[], $10::text[], $11::text[], $12::boolean[])
     AS u(n, d, w, a, s, c, p, i, m, k, o);

-- name: header
-- Routing $1's header.
SELECT id, plant_id, material_id, revision, status, valid_from, valid_to, description, version,
    created_at, created_by, updated_at, updated_by
FROM production.routings
WHERE organization_id = app.current_org() AND id = $1;

-- name: header_lock
-- Routing $1's header, locked for a change.
SELECT id, plant_id, material_id, revision, status, valid_from, valid_to, description, version,
    created_at, created_by, updated_at, updated_by
FROM production.routings
WHERE organization_id = app.current_org() AND id = $1
FOR UPDATE;

-- name: operations
-- The operations of routings $1 (uuid[]) in number order.
SELECT routing_id, operation_no, description, work_center_id, alternative_work_center_ids,
    setup_seconds, cycle_seconds, predecessors, inspection_required, consumption, components,
    reports_output
FROM production.routing_operations
WHERE organization_id = app.current_org() AND routing_id = ANY($1::uuid[])
ORDER BY routing_id, operation_no;

-- name: header_update
-- Routing $1: $2 status, $3 valid_from, $4 valid_to, $5 description; bumps the version.
UPDATE production.routings
SET status = $2, valid_from = $3, valid_to = $4, description = $5, version = version + 1,
    updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1;

-- name: released_lock
-- The released routings of material $1 in plant $2, locked: a release ends the one it
-- succeeds.
SELECT id, valid_from, valid_to
FROM production.routings
WHERE organization_id = app.current_org() AND material_id = $1 AND plant_id = $2
  AND status = 'released'
ORDER BY valid_from
FOR UPDATE;

-- name: end_validity
-- Routing $1 is valid until $2 (its successor starts the day after).
UPDATE production.routings
SET valid_to = $2, version = version + 1, updated_at = now(),
    updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1;

-- name: delete
-- Draft routing $1.
DELETE FROM production.routings
WHERE organization_id = app.current_org() AND id = $1 AND status = 'draft'
RETURNING id;

-- name: valid_for
-- The released routing of material $1 in plant $2 valid on $3.
SELECT id FROM production.routings
WHERE organization_id = app.current_org() AND material_id = $1 AND plant_id = $2
  AND status = 'released' AND valid_from <= $3 AND (valid_to IS NULL OR valid_to >= $3);

-- name: page
-- Routing headers: $1 material, $2 plant, $3 status (each null: any), in creation order
-- after $4, at most $5.
SELECT id, plant_id, material_id, revision, status, valid_from, valid_to, description, version,
    created_at, created_by, updated_at, updated_by
FROM production.routings
WHERE organization_id = app.current_org()
  AND ($1::uuid IS NULL OR material_id = $1)
  AND ($2::uuid IS NULL OR plant_id = $2)
  AND ($3::text IS NULL OR status = $3)
  AND ($4::uuid IS NULL OR id > $4)
ORDER BY id
LIMIT $5;
