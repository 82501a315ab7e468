-- Equipment documents move to the object store (org/<organization>/maintenance/
-- equipment-documents/<uuid7>): the row keeps the object's key and its metadata, RLS
-- unchanged. Rows written before keep their bytes and are served from them as before:
-- exactly one of content and object_key is set.

ALTER TABLE maintenance.equipment_documents
    ALTER COLUMN content DROP NOT NULL,
    ADD COLUMN object_key text,
    ADD CONSTRAINT equipment_documents_content_or_object CHECK ((content IS NULL) <> (object_key IS NULL));
-- The sweep asks which keys still have a row.
CREATE UNIQUE INDEX equipment_documents_object_key ON maintenance.equipment_documents (organization_id, object_key)
    WHERE object_key IS NOT NULL;

-- Objects whose row is gone, to be deleted from the store by the sweep job: queued by a
-- trigger in the deleting transaction (cascades included), so a rolled-back delete
-- queues nothing and a committed one never loses its object.
CREATE TABLE maintenance.object_deletions (
    organization_id uuid        NOT NULL,
    object_key      text        NOT NULL,
    queued_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, object_key)
);
CREATE INDEX object_deletions_queued ON maintenance.object_deletions (organization_id, queued_at);
ALTER TABLE maintenance.object_deletions ENABLE ROW LEVEL SECURITY;
ALTER TABLE maintenance.object_deletions FORCE ROW LEVEL SECURITY;
CREATE POLICY object_deletions_tenant ON maintenance.object_deletions
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
GRANT SELECT, INSERT, DELETE ON maintenance.object_deletions TO unison_maintenance;

CREATE FUNCTION maintenance.queue_object_deletion() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO maintenance.object_deletions (organization_id, object_key)
    VALUES (OLD.organization_id, OLD.object_key)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER equipment_documents_object_deleted AFTER DELETE ON maintenance.equipment_documents
    FOR EACH ROW WHEN (OLD.object_key IS NOT NULL) EXECUTE FUNCTION maintenance.queue_object_deletion();

-- Which of these keys a row of the current organization points to, or is queued: in
-- every plant (the sweep runs for the organization, not for a user's plants). Runs as the
-- owner for the current organization only.
CREATE FUNCTION maintenance.object_keys_present(keys text[]) RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, maintenance
    AS $$
    SELECT object_key FROM maintenance.equipment_documents
    WHERE organization_id = app.current_org() AND object_key = ANY(keys)
    UNION ALL
    SELECT object_key FROM maintenance.object_deletions
    WHERE organization_id = app.current_org() AND object_key = ANY(keys)
    $$;
CREATE POLICY equipment_documents_keys_of_organization ON maintenance.equipment_documents FOR SELECT
    TO unison_owner USING (organization_id = app.current_org());
REVOKE ALL ON FUNCTION maintenance.object_keys_present(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION maintenance.object_keys_present(text[]) TO unison_maintenance;

-- Rows written before the object store move their bytes there, a batch per sweep: the
-- sweep reads them (every plant of the organization), puts each under a fresh key, then
-- swaps the bytes for the key (only if the row still holds bytes; else the object goes).
CREATE INDEX equipment_documents_legacy ON maintenance.equipment_documents (organization_id, id) WHERE object_key IS NULL;
CREATE FUNCTION maintenance.legacy_files(max_rows integer)
    RETURNS TABLE (id uuid, content_type text, content bytea)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, maintenance
    AS $$
    SELECT f.id, f.content_type, f.content FROM maintenance.equipment_documents f
    WHERE f.organization_id = app.current_org() AND f.object_key IS NULL
    ORDER BY f.id
    LIMIT max_rows
    $$;
CREATE FUNCTION maintenance.legacy_file_stored(file_id uuid, key text) RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, maintenance
    AS $$
    UPDATE maintenance.equipment_documents SET object_key = key, content = NULL
    WHERE organization_id = app.current_org() AND id = file_id AND object_key IS NULL
    RETURNING true
    $$;
CREATE POLICY equipment_documents_moved_to_objects ON maintenance.equipment_documents FOR UPDATE
    TO unison_owner USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
REVOKE ALL ON FUNCTION maintenance.legacy_files(integer), maintenance.legacy_file_stored(uuid, text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION maintenance.legacy_files(integer), maintenance.legacy_file_stored(uuid, text)
    TO unison_maintenance;

-- Every 6 hours: queued deletions, expired files and orphans (objects no row points to);
-- seldom, since each run is a job row per organization and nothing here is urgent.
SELECT cron.schedule('maintenance-objects-sweep', '27 */6 * * *',
    $$SELECT bus.enqueue_for_all_organizations('maintenance', 'maintenance.objects_sweep', '{}', 3)$$);
