-- Admin API statements; every one runs in a transaction scoped to the caller's
-- organization ($1), and RLS would hide other organizations even without the filter.

-- name: list_policies
SELECT v0 AS role, v2 AS object, v3 AS action
FROM identity.casbin_rules
WHERE organization_id = $1 AND ptype = 'p'
ORDER BY v0, v2, v3

-- name: ensure_role
INSERT INTO identity.roles (organization_id, name) VALUES ($1, $2)
ON CONFLICT (organization_id, name) DO NOTHING

-- name: insert_policy
INSERT INTO identity.casbin_rules (organization_id, ptype, v0, v1, v2, v3)
VALUES ($1::uuid, 'p', $2, $1::uuid::text, $3, $4)
ON CONFLICT (organization_id, ptype, v0, v1, v2, v3, v4, v5) DO NOTHING
RETURNING id

-- name: delete_policy
DELETE FROM identity.casbin_rules
WHERE organization_id = $1::uuid AND ptype = 'p' AND v0 = $2 AND v1 = $1::uuid::text
  AND v2 = $3 AND v3 = $4
  AND v4 = '' AND v5 = ''
RETURNING id

-- name: list_roles
SELECT name, description FROM identity.roles WHERE organization_id = $1 ORDER BY name

-- name: existing_roles
SELECT name FROM identity.roles WHERE organization_id = $1 AND name = ANY ($2::text[])

-- name: list_users
SELECT u.id, u.email, u.display_name, u.active, u.all_plants,
       coalesce(array(SELECT ur.role FROM identity.user_roles ur
                      WHERE ur.organization_id = u.organization_id AND ur.user_id = u.id
                      ORDER BY ur.role), '{}') AS roles,
       coalesce(array(SELECT up.plant_id FROM identity.user_plants up
                      WHERE up.organization_id = u.organization_id AND up.user_id = u.id
                      ORDER BY up.plant_id), '{}') AS plant_ids
FROM identity.users u
WHERE u.organization_id = $1 AND ($2::uuid IS NULL OR u.id = $2)
ORDER BY u.email

-- name: lock_user
SELECT id FROM identity.users WHERE organization_id = $1 AND id = $2 FOR UPDATE

-- name: user_role_names
SELECT role FROM identity.user_roles WHERE organization_id = $1 AND user_id = $2 ORDER BY role

-- name: delete_user_roles_except
-- Returns the roles taken away: none taken and none added is no change to announce.
DELETE FROM identity.user_roles
WHERE organization_id = $1 AND user_id = $2 AND NOT (role = ANY ($3::text[]))
RETURNING role

-- name: insert_user_roles
-- Returns the roles given that the user did not have.
INSERT INTO identity.user_roles (organization_id, user_id, role)
SELECT $1, $2, unnest($3::text[])
ON CONFLICT DO NOTHING
RETURNING role
