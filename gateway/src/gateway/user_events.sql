-- What identity.user.changed carries. Every statement runs in a transaction scoped to
-- the organization ($1), as the gateway (admin API) or the owner (provisioning).

-- name: lock_users_for_change
-- Locks the changed users ($2) in id order before their state is read: a concurrent
-- announcement (lock_user_page) then reads either before this change or after its commit,
-- never a state that is about to be overwritten by an event published earlier.
SELECT id FROM identity.users
WHERE organization_id = $1 AND id = ANY ($2::uuid[])
ORDER BY id
FOR UPDATE

-- name: lock_user_page
-- The next $3 users after id $2 (NULL: from the first). KEY SHARE is enough to wait for
-- a change in progress (changes hold FOR UPDATE) and lets logins rehash passwords.
SELECT id FROM identity.users
WHERE organization_id = $1 AND ($2::uuid IS NULL OR id > $2)
ORDER BY id
LIMIT $3
FOR KEY SHARE

-- name: user_states
-- The whole state of users $2 as their event carries it. occurred_at is the database's
-- clock, read while the rows are locked: for one user, a later commit has a later time.
SELECT u.id, u.email, u.display_name, u.active, u.all_plants,
       array(SELECT ur.role FROM identity.user_roles ur
             WHERE ur.organization_id = u.organization_id AND ur.user_id = u.id
             ORDER BY ur.role) AS roles,
       array(SELECT up.plant_id FROM identity.user_plants up
             WHERE up.organization_id = u.organization_id AND up.user_id = u.id
             ORDER BY up.plant_id) AS plant_ids,
       clock_timestamp() AS occurred_at
FROM identity.users u
WHERE u.organization_id = $1 AND u.id = ANY ($2::uuid[])
ORDER BY u.id
