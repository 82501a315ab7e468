-- NCR photos and files move to the object store (org/<organization>/quality/ncr-files/<uuid7>):
-- the row keeps the object's key and its metadata, RLS unchanged (only a row the caller
-- may see yields the file or a link to it). Rows written before keep their bytes and are
-- served from them as before: exactly one of content and object_key is set.

ALTER TABLE quality.ncr_files
    ALTER COLUMN content DROP NOT NULL,
    ADD COLUMN object_key text,
    ADD CONSTRAINT ncr_files_content_or_object CHECK ((content IS NULL) <> (object_key IS NULL));
-- The sweep asks which keys still have a row.
CREATE UNIQUE INDEX ncr_files_object_key ON quality.ncr_files (organization_id, object_key)
    WHERE object_key IS NOT NULL;

-- Objects whose row is gone, to be deleted from the store by the sweep job: queued by a
-- trigger in the deleting transaction (cascades included), so a rolled-back delete
-- queues nothing and a committed one never loses its object.
CREATE TABLE quality.object_deletions (
    organization_id uuid        NOT NULL,
    object_key      text        NOT NULL,
    queued_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, object_key)
);
CREATE INDEX object_deletions_queued ON quality.object_deletions (organization_id, queued_at);
ALTER TABLE quality.object_deletions ENABLE ROW LEVEL SECURITY;
ALTER TABLE quality.object_deletions FORCE ROW LEVEL SECURITY;
CREATE POLICY object_deletions_tenant ON quality.object_deletions
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
GRANT SELECT, INSERT, DELETE ON quality.object_deletions TO unison_quality;

CREATE FUNCTION quality.queue_object_deletion() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO quality.object_deletions (organization_id, object_key)
    VALUES (OLD.organization_id, OLD.object_key)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER ncr_files_object_deleted AFTER DELETE ON quality.ncr_files
    FOR EACH ROW WHEN (OLD.object_key IS NOT NULL) EXECUTE FUNCTION quality.queue_object_deletion();

-- Which of these keys a row of the current organization points to, or is queued: in
-- every plant (the sweep runs for the organization, not for a user's plants). Runs as the
-- owner for the current organization only.
CREATE FUNCTION quality.object_keys_present(keys text[]) RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, quality
    AS $$
    SELECT object_key FROM quality.ncr_files
    WHERE organization_id = app.current_org() AND object_key = ANY(keys)
    UNION ALL
    SELECT object_key FROM quality.object_deletions
    WHERE organization_id = app.current_org() AND object_key = ANY(keys)
    $$;
CREATE POLICY ncr_files_keys_of_organization ON quality.ncr_files FOR SELECT
    TO unison_owner USING (organization_id = app.current_org());
REVOKE ALL ON FUNCTION quality.object_keys_present(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION quality.object_keys_present(text[]) TO unison_quality;

-- Rows written before the object store move their bytes there, a batch per sweep: the
-- sweep reads them (every plant of the organization), puts each under a fresh key, then
-- swaps the bytes for the key (only if the row still holds bytes; else the object goes).
CREATE INDEX ncr_files_legacy ON quality.ncr_files (organization_id, id) WHERE object_key IS NULL;
CREATE FUNCTION quality.legacy_files(max_rows integer)
    RETURNS TABLE (id uuid, content_type text, content bytea)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, quality
    AS $$
    SELECT f.id, f.content_type, f.content FROM quality.ncr_files f
    WHERE f.organization_id = app.current_org() AND f.object_key IS NULL
    ORDER BY f.id
    LIMIT max_rows
    $$;
CREATE FUNCTION quality.legacy_file_stored(file_id uuid, key text) RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, quality
    AS $$
    UPDATE quality.ncr_files SET object_key = key, content = NULL
    WHERE organization_id = app.current_org() AND id = file_id AND object_key IS NULL
    RETURNING true
    $$;
CREATE POLICY ncr_files_moved_to_objects ON quality.ncr_files FOR UPDATE
    TO unison_owner USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
REVOKE ALL ON FUNCTION quality.legacy_files(integer), quality.legacy_file_stored(uuid, text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION quality.legacy_files(integer), quality.legacy_file_stored(uuid, text)
    TO unison_quality;

-- Every 6 hours: queued deletions, expired files and orphans (objects no row points to);
-- seldom, since each run is a job row per organization and nothing here is urgent.
SELECT cron.schedule('quality-objects-sweep', '7 */6 * * *',
    $$SELECT bus.enqueue_for_all_organizations('quality', 'quality.objects_sweep', '{}', 3)$$);
