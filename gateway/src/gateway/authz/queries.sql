-- Loading one organization's Casbin rules; run in a transaction scoped to it ($1).

-- name: policy_rules
SELECT ptype, v0, v1, v2, v3, v4, v5
FROM identity.casbin_rules
WHERE organization_id = $1
ORDER BY ptype, v0, v2, v3

-- name: role_assignments
-- Roles of active users and active clients, as Casbin `g` subjects. A deactivated account
-- loses every permission at once, even with a token that has not expired yet.
SELECT 'user:' || ur.user_id::text AS subject, ur.role
FROM identity.user_roles ur
JOIN identity.users u ON u.organization_id = ur.organization_id AND u.id = ur.user_id
WHERE ur.organization_id = $1 AND u.active
UNION ALL
SELECT 'client:' || c.client_id, unnest(c.roles)
FROM identity.api_clients c
WHERE c.organization_id = $1 AND c.active
