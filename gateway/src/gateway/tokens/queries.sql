-- The token endpoint's statements. Lookups by email / client_id / refresh-token hash run
-- before the organization is known: each first puts its key into a transaction-local
-- setting that exactly one RLS policy reads (see db/identity/0001_identity.sql).

-- name: set_login_email
SELECT set_config('app.login_email', $1, true)

-- name: set_login_client_id
SELECT set_config('app.login_client_id', $1, true)

-- name: set_refresh_token_hash
SELECT set_config('app.refresh_token_hash', $1, true)

-- name: set_tenant
-- Scopes the rest of the transaction to the organization just found ($1) and the caller ($2).
SELECT set_config('app.organization_id', $1, true), set_config('app.user_id', $2, true)

-- name: find_user_by_email
SELECT organization_id, id, email, display_name, password_hash, active, all_plants
FROM identity.users
WHERE email = $1

-- name: find_client
SELECT organization_id, id, client_id, name, secret_hash, roles, all_plants, plant_ids, active
FROM identity.api_clients
WHERE client_id = $1

-- name: find_user
-- The user a refresh token belongs to, in its organization ($1).
SELECT organization_id, id, email, display_name, password_hash, active, all_plants
FROM identity.users
WHERE organization_id = $1 AND id = $2

-- name: user_roles
SELECT role FROM identity.user_roles
WHERE organization_id = $1 AND user_id = $2
ORDER BY role

-- name: user_plants
-- Plants a user may act on: every plant of the organization, or the listed ones.
SELECT p.id
FROM identity.plants p
WHERE p.organization_id = $1
  AND ($3::boolean OR EXISTS (
        SELECT 1 FROM identity.user_plants up
        WHERE up.organization_id = p.organization_id AND up.user_id = $2 AND up.plant_id = p.id))
ORDER BY p.code

-- name: client_plants
-- Plants of a client: every plant of the organization, or the listed ones that exist.
SELECT id FROM identity.plants
WHERE organization_id = $1 AND ($2::boolean OR id = ANY ($3::uuid[]))
ORDER BY code

-- name: update_password_hash
UPDATE identity.users SET password_hash = $3, updated_at = now()
WHERE organization_id = $1 AND id = $2

-- name: update_client_secret_hash
UPDATE identity.api_clients SET secret_hash = $3, updated_at = now()
WHERE organization_id = $1 AND id = $2

-- name: insert_refresh_token
-- $1 organization, $2 family, $3 user, $4 sha256 of the token, $5 lifetime in seconds.
INSERT INTO identity.refresh_tokens (organization_id, family_id, user_id, token_hash, expires_at)
VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::double precision))

-- name: find_refresh_token
SELECT organization_id, id FROM identity.refresh_tokens WHERE token_hash = $1

-- name: lock_refresh_token
-- Row lock: two concurrent refreshes with one token are serialized, the second sees it
-- rotated and is treated as reuse.
SELECT organization_id, id, family_id, user_id,
       expires_at <= now() AS expired, rotated_at IS NOT NULL AS rotated,
       revoked_at IS NOT NULL AS revoked
FROM identity.refresh_tokens
WHERE organization_id = $1 AND id = $2
FOR UPDATE

-- name: mark_refresh_token_rotated
UPDATE identity.refresh_tokens SET rotated_at = now()
WHERE organization_id = $1 AND id = $2

-- name: revoke_refresh_family
UPDATE identity.refresh_tokens SET revoked_at = now()
WHERE organization_id = $1 AND family_id = $2 AND revoked_at IS NULL

-- name: login_blocked_for
-- Seconds until the $4-th most recent failure of this key inside the window ($3 seconds)
-- leaves it, i.e. until fewer than $4 failures remain; no row when not blocked.
SELECT greatest(1, ceil(extract(epoch FROM
           attempted_at + make_interval(secs => $3::double precision) - now())))::integer
FROM identity.login_attempts
WHERE scope = $1 AND key = $2
  AND attempted_at > now() - make_interval(secs => $3::double precision)
ORDER BY attempted_at DESC
OFFSET $4 - 1
LIMIT 1

-- name: record_login_failure
INSERT INTO identity.login_attempts (scope, key) VALUES ($1, $2)

-- name: clear_login_failures
DELETE FROM identity.login_attempts WHERE scope = $1 AND key = $2

-- name: organization_plants
-- Every plant of organization $1, and whether the organization exists (no rows, no plants:
-- the caller asks find_organization).
SELECT id FROM identity.plants WHERE organization_id = $1 ORDER BY code

-- name: find_organization
SELECT id, name FROM identity.organizations WHERE id = $1
