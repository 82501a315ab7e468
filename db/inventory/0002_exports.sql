-- Files produced by export jobs, kept for a week for the user to download. (When object
-- storage arrives the content moves there and this row keeps its key and metadata.)

CREATE TABLE inventory.exports (
    organization_id uuid        NOT NULL,
    id              uuid        NOT NULL DEFAULT app.uuid7(),
    job_id          uuid        NOT NULL,
    filename        text        NOT NULL,
    content_type    text        NOT NULL,
    row_count       integer     NOT NULL CHECK (row_count >= 0),
    size_bytes      integer     NOT NULL CHECK (size_bytes >= 0),
    content         bytea       NOT NULL,
    created_by      text        NOT NULL DEFAULT app.current_user_id(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL DEFAULT now() + interval '7 days',
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX exports_expires_at ON inventory.exports (expires_at);

ALTER TABLE inventory.exports ENABLE ROW LEVEL SECURITY;
ALTER TABLE inventory.exports FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON inventory.exports
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
-- The daily sweep runs as the owner with no organization: it may remove expired files only.
CREATE POLICY expired_sweep ON inventory.exports FOR DELETE TO unison_owner
    USING (expires_at < now());
GRANT SELECT, INSERT ON inventory.exports TO unison_inventory;

SELECT cron.schedule('inventory-exports-cleanup', '23 2 * * *',
    $$DELETE FROM inventory.exports WHERE expires_at < now()$$);
