-- Per-organization production settings, and the log retention they drive.

-- name: get
-- The organization's settings; no row: the defaults.
SELECT log_retention_months, updated_at, updated_by
FROM production.settings
WHERE organization_id = app.current_org();

-- name: put
-- Set the organization's log retention to $1 months.
INSERT INTO production.settings (organization_id, log_retention_months)
VALUES (app.current_org(), $1)
ON CONFLICT (organization_id) DO UPDATE
SET log_retention_months = excluded.log_retention_months, updated_at = now(),
    updated_by = app.current_user_id()
RETURNING log_retention_months, updated_at, updated_by;

-- name: delete_old_logs
-- Delete up to $2 of the organization's log rows older than $1 (oldest first); returns
-- how many went. Batched so a first run after years keeps its locks short.
WITH doomed AS (
    SELECT logged_at, id FROM production.production_logs
    WHERE organization_id = app.current_org() AND logged_at < $1
    ORDER BY logged_at
    LIMIT $2
)
DELETE FROM production.production_logs l
USING doomed d
WHERE l.organization_id = app.current_org() AND l.logged_at = d.logged_at AND l.id = d.id
  AND l.logged_at < $1;
