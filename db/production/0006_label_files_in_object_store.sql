-- Label PDFs move to the object store (org/<organization>/production/label-files/<uuid7>):
-- the row keeps the object's key. Rows written before keep their bytes until they expire.
-- Expiry moves from a pg_cron DELETE (as the owner, which could not queue the objects of
-- another organization) to the sweep job, run per organization.

ALTER TABLE production.label_files
    ALTER COLUMN content DROP NOT NULL,
    ADD COLUMN object_key text,
    ADD CONSTRAINT label_files_content_or_object CHECK ((content IS NULL) <> (object_key IS NULL));
-- The sweep asks which keys still have a row.
CREATE UNIQUE INDEX label_files_object_key ON production.label_files (organization_id, object_key)
    WHERE object_key IS NOT NULL;

-- Objects whose row is gone, to be deleted from the store by the sweep job: queued by a
-- trigger in the deleting transaction (cascades included), so a rolled-back delete
-- queues nothing and a committed one never loses its object.
CREATE TABLE production.object_deletions (
    organization_id uuid        NOT NULL,
    object_key      text        NOT NULL,
    queued_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, object_key)
);
CREATE INDEX object_deletions_queued ON production.object_deletions (organization_id, queued_at);
ALTER TABLE production.object_deletions ENABLE ROW LEVEL SECURITY;
ALTER TABLE production.object_deletions FORCE ROW LEVEL SECURITY;
CREATE POLICY object_deletions_tenant ON production.object_deletions
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
GRANT SELECT, INSERT, DELETE ON production.object_deletions TO unison_production;

CREATE FUNCTION production.queue_object_deletion() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO production.object_deletions (organization_id, object_key)
    VALUES (OLD.organization_id, OLD.object_key)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER label_files_object_deleted AFTER DELETE ON production.label_files
    FOR EACH ROW WHEN (OLD.object_key IS NOT NULL) EXECUTE FUNCTION production.queue_object_deletion();

-- The sweep job deletes the organization's expired rows as the runtime role.
GRANT DELETE ON production.label_files TO unison_production;
SELECT cron.unschedule('production-label-files-cleanup');

-- Which of these keys a row of the current organization points to, or is queued: in
-- every plant (the sweep runs for the organization, not for a user's plants). Runs as the
-- owner for the current organization only.
CREATE FUNCTION production.object_keys_present(keys text[]) RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, production
    AS $$
    SELECT object_key FROM production.label_files
    WHERE organization_id = app.current_org() AND object_key = ANY(keys)
    UNION ALL
    SELECT object_key FROM production.object_deletions
    WHERE organization_id = app.current_org() AND object_key = ANY(keys)
    $$;
CREATE POLICY label_files_keys_of_organization ON production.label_files FOR SELECT
    TO unison_owner USING (organization_id = app.current_org());
REVOKE ALL ON FUNCTION production.object_keys_present(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION production.object_keys_present(text[]) TO unison_production;

-- Every 6 hours: queued deletions, expired files and orphans (objects no row points to);
-- seldom, since each run is a job row per organization and nothing here is urgent.
SELECT cron.schedule('production-objects-sweep', '37 */6 * * *',
    $$SELECT bus.enqueue_for_all_organizations('production', 'production.objects_sweep', '{}', 3)$$);
