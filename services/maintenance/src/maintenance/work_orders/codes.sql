-- The failure code catalogue.

-- name: upsert
-- Code $2 of kind $1 named $3, active $4.
INSERT INTO maintenance.failure_codes (organization_id, kind, code, name, active)
VALUES (app.current_org(), $1, $2, $3, $4)
ON CONFLICT (organization_id, kind, code) DO UPDATE
SET name = excluded.name, active = excluded.active
RETURNING kind, code, name, active;

-- name: page
-- Codes of kind $1 (null: all) in (kind, code) order after ($2 kind, $3 code), at most $4.
SELECT kind, code, name, active FROM maintenance.failure_codes
WHERE organization_id = app.current_org() AND ($1::text IS NULL OR kind = $1)
  AND ($2::text IS NULL OR (kind, code) > ($2, $3::text))
ORDER BY kind, code
LIMIT $4;

-- name: active
-- Every active code of the organization (a catalogue: dozens, not thousands).
SELECT kind, code FROM maintenance.failure_codes
WHERE organization_id = app.current_org() AND active;
