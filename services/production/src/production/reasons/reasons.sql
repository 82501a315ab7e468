-- The reason catalogue.

-- name: insert
-- A reason ($1 kind, $2 code, $3 name, $4 parent, $5 planned, $6 loss); no row when the
-- code is taken for the kind.
INSERT INTO production.reasons (organization_id, kind, code, name, parent_id, planned, loss)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6)
ON CONFLICT (organization_id, kind, code) DO NOTHING
RETURNING id, kind, code, name, parent_id, planned, loss, active, created_at;

-- name: get
-- Reason $1.
SELECT id, kind, code, name, parent_id, planned, loss, active, created_at
FROM production.reasons
WHERE organization_id = app.current_org() AND id = $1;

-- name: get_many
-- Reasons by id ($1 uuid[]).
SELECT id, kind, code, name, parent_id, planned, loss, active, created_at
FROM production.reasons
WHERE organization_id = app.current_org() AND id = ANY($1::uuid[]);

-- name: update
-- Reason $1: $2 name, $3 active.
UPDATE production.reasons SET name = $2, active = $3
WHERE organization_id = app.current_org() AND id = $1
RETURNING id, kind, code, name, parent_id, planned, loss, active, created_at;

-- name: page
-- Reasons of kind $1 (null: all), only active ones when $2, in (kind, code) order after
-- ($3 kind, $4 code), at most $5.
SELECT id, kind, code, name, parent_id, planned, loss, active, created_at
FROM production.reasons
WHERE organization_id = app.current_org()
  AND ($1::text IS NULL OR kind = $1)
  AND (NOT $2 OR active)
  AND ($3::text IS NULL OR (kind, code) > ($3, $4::text))
ORDER BY kind, code
LIMIT $5;
