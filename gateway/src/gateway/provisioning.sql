-- Creating an organization with its plants, roles, policies, users and API clients.
-- Runs as the owner (migrations' role), which RLS binds too: the caller scopes the
-- transaction to the new organization first. Every insert leaves existing rows alone.

-- name: scope_to_organization
SELECT set_config('app.organization_id', $1::uuid::text, true)

-- name: insert_organization
INSERT INTO identity.organizations (id, slug, name) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING

-- name: insert_plant
INSERT INTO identity.plants (organization_id, id, code, name) VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING

-- name: insert_role
INSERT INTO identity.roles (organization_id, name, description) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING

-- name: insert_policy
INSERT INTO identity.casbin_rules (organization_id, ptype, v0, v1, v2, v3)
VALUES ($1::uuid, 'p', $2, $1::uuid::text, $3, $4)
ON CONFLICT DO NOTHING

-- The user statements return what they added: a user with anything added is announced
-- (identity.user.changed), one left as it was is not.

-- name: insert_user
INSERT INTO identity.users (organization_id, id, email, display_name, password_hash, all_plants)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT DO NOTHING
RETURNING id

-- name: insert_user_plants
INSERT INTO identity.user_plants (organization_id, user_id, plant_id)
SELECT $1, $2, unnest($3::uuid[])
ON CONFLICT DO NOTHING
RETURNING plant_id

-- name: insert_user_roles
INSERT INTO identity.user_roles (organization_id, user_id, role)
SELECT $1, $2, unnest($3::text[])
ON CONFLICT DO NOTHING
RETURNING role

-- name: insert_client
INSERT INTO identity.api_clients
    (organization_id, id, client_id, name, secret_hash, roles, all_plants, plant_ids)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT DO NOTHING
