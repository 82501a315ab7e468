-- Export files move to the object store (org/<organization>/inventory/exports/<uuid7>):
-- the row keeps the object's key. Rows written before keep their bytes until they expire.
-- Expiry moves from a pg_cron DELETE (as the owner, which could not queue the objects of
-- another organization) to the sweep job, run per organization.

ALTER TABLE inventory.exports
    ALTER COLUMN content DROP NOT NULL,
    ADD COLUMN object_key text,
    ADD CONSTRAINT exports_content_or_object CHECK ((content IS NULL) <> (object_key IS NULL));
-- The sweep asks which keys still have a row.
CREATE UNIQUE INDEX exports_object_key ON inventory.exports (organization_id, object_key)
    WHERE object_key IS NOT NULL;

-- Objects whose row is gone, to be deleted from the store by the sweep job: queued by a
-- trigger in the deleting transaction (cascades included), so a rolled-back delete
-- queues nothing and a committed one never loses its object.
CREATE TABLE inventory.object_deletions (
    organization_id uuid        NOT NULL,
    object_key      text        NOT NULL,
    queued_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, object_key)
);
CREATE INDEX object_deletions_queued ON inventory.object_deletions (organization_id, queued_at);
ALTER TABLE inventory.object_deletions ENABLE ROW LEVEL SECURITY;
ALTER TABLE inventory.object_deletions FORCE ROW LEVEL SECURITY;
CREATE POLICY object_deletions_tenant ON inventory.object_deletions
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
GRANT SELECT, INSERT, DELETE ON inventory.object_deletions TO unison_inventory;

CREATE FUNCTION inventory.queue_object_deletion() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO inventory.object_deletions (organization_id, object_key)
    VALUES (OLD.organization_id, OLD.object_key)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER exports_object_deleted AFTER DELETE ON inventory.exports
    FOR EACH ROW WHEN (OLD.object_key IS NOT NULL) EXECUTE FUNCTION inventory.queue_object_deletion();

-- The sweep job deletes the organization's expired rows as the runtime role.
GRANT DELETE ON inventory.exports TO unison_inventory;
SELECT cron.unschedule('inventory-exports-cleanup');

-- Which of these keys a row of the current organization points to, or is queued: in
-- every plant (the sweep runs for the organization, not for a user's plants). Runs as the
-- owner for the current organization only.
CREATE FUNCTION inventory.object_keys_present(keys text[]) RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, inventory
    AS $$
    SELECT object_key FROM inventory.exports
    WHERE organization_id = app.current_org() AND object_key = ANY(keys)
    UNION ALL
    SELECT object_key FROM inventory.object_deletions
    WHERE organization_id = app.current_org() AND object_key = ANY(keys)
    $$;
CREATE POLICY exports_keys_of_organization ON inventory.exports FOR SELECT
    TO unison_owner USING (organization_id = app.current_org());
REVOKE ALL ON FUNCTION inventory.object_keys_present(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION inventory.object_keys_present(text[]) TO unison_inventory;

-- Every 6 hours: queued deletions, expired files and orphans (objects no row points to);
-- seldom, since each run is a job row per organization and nothing here is urgent.
SELECT cron.schedule('inventory-objects-sweep', '47 */6 * * *',
    $$SELECT bus.enqueue_for_all_organizations('inventory', 'inventory.objects_sweep', '{}', 3)$$);
