-- Export files and fact archives move to the object store: org/<organization>/reporting/
-- exports/<uuid7> and .../archives/<uuid7>. The rows keep the object's key.
--
-- Exports written before keep their chunks (export_chunks) until they expire, a week at
-- most; archive files written before (archive_objects, keys without the org/ prefix) are
-- moved into the store by the sweep job, a few a run, and read from here until then.
-- Expiry moves from a pg_cron DELETE (as the owner, with no organization: it could not
-- queue another organization's objects) to the sweep job, run per organization.

ALTER TABLE reporting.export_files ADD COLUMN object_key text;
-- The sweep asks which keys still have a row.
CREATE UNIQUE INDEX export_files_object_key ON reporting.export_files (organization_id, object_key)
    WHERE object_key IS NOT NULL;
CREATE UNIQUE INDEX fact_archives_object_key ON reporting.fact_archives (organization_id, object_key);

-- Objects whose row is gone (or no longer points to them), to be deleted from the store:
-- queued by a trigger in the same transaction, so a rolled-back change queues nothing
-- and a committed one never loses its object.
CREATE TABLE reporting.object_deletions (
    organization_id uuid        NOT NULL,
    object_key      text        NOT NULL,
    queued_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, object_key)
);
CREATE INDEX object_deletions_queued ON reporting.object_deletions (organization_id, queued_at);
ALTER TABLE reporting.object_deletions ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporting.object_deletions FORCE ROW LEVEL SECURITY;
CREATE POLICY object_deletions_tenant ON reporting.object_deletions
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
GRANT SELECT, INSERT, DELETE ON reporting.object_deletions TO unison_reporting;

-- Only keys in the store (org/...): a legacy archive key names a row of archive_objects.
CREATE FUNCTION reporting.queue_object_deletion() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF OLD.object_key LIKE 'org/%' THEN
        INSERT INTO reporting.object_deletions (organization_id, object_key)
        VALUES (OLD.organization_id, OLD.object_key)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER export_files_object_deleted AFTER DELETE ON reporting.export_files
    FOR EACH ROW WHEN (OLD.object_key IS NOT NULL)
    EXECUTE FUNCTION reporting.queue_object_deletion();
CREATE TRIGGER export_files_object_replaced AFTER UPDATE OF object_key ON reporting.export_files
    FOR EACH ROW WHEN (OLD.object_key IS DISTINCT FROM NEW.object_key AND OLD.object_key IS NOT NULL)
    EXECUTE FUNCTION reporting.queue_object_deletion();
-- A month archived again (late facts) points to its new file: the old one is queued.
CREATE TRIGGER fact_archives_object_deleted AFTER DELETE ON reporting.fact_archives
    FOR EACH ROW EXECUTE FUNCTION reporting.queue_object_deletion();
CREATE TRIGGER fact_archives_object_replaced AFTER UPDATE OF object_key ON reporting.fact_archives
    FOR EACH ROW WHEN (OLD.object_key IS DISTINCT FROM NEW.object_key)
    EXECUTE FUNCTION reporting.queue_object_deletion();

-- The owner's view of the current organization's files, every plant (the functions below
-- run as the owner for one organization: the sweep has no plants in scope).
CREATE POLICY export_files_of_organization ON reporting.export_files FOR SELECT
    TO unison_owner USING (organization_id = app.current_org());
CREATE POLICY export_files_expire ON reporting.export_files FOR UPDATE
    TO unison_owner USING (organization_id = app.current_org() AND expires_at < now())
    WITH CHECK (organization_id = app.current_org());
CREATE POLICY export_files_delete_old ON reporting.export_files FOR DELETE
    TO unison_owner USING (organization_id = app.current_org()
                           AND expires_at < now() - interval '30 days');

-- The current organization's expired exports: the object of each is unlinked (the
-- trigger queues it) and legacy chunks deleted, and the row stays 30 days more so a late
-- click is told the link expired (410). Returns the files whose objects were unlinked.
CREATE FUNCTION reporting.expire_exports() RETURNS SETOF uuid
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, reporting
    AS $$
DECLARE
    org uuid := app.current_org();
BEGIN
    IF org IS NULL THEN
        RAISE EXCEPTION 'no organization set';
    END IF;
    DELETE FROM reporting.export_chunks WHERE organization_id = org AND expires_at < now();
    DELETE FROM reporting.export_files
    WHERE organization_id = org AND expires_at < now() - interval '30 days';
    RETURN QUERY
        UPDATE reporting.export_files SET object_key = NULL
        WHERE organization_id = org AND expires_at < now() AND object_key IS NOT NULL
        RETURNING id;
END $$;
REVOKE ALL ON FUNCTION reporting.expire_exports() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.expire_exports() TO unison_reporting;
SELECT cron.unschedule('reporting-exports-cleanup');

-- Which of these keys a row of the current organization points to, or is queued: in
-- every plant. Runs as the owner for the current organization only.
CREATE FUNCTION reporting.object_keys_present(keys text[]) RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, reporting
    AS $$
    SELECT object_key FROM reporting.export_files
    WHERE organization_id = app.current_org() AND object_key = ANY(keys)
    UNION ALL
    SELECT object_key FROM reporting.fact_archives
    WHERE organization_id = app.current_org() AND object_key = ANY(keys)
    UNION ALL
    SELECT object_key FROM reporting.object_deletions
    WHERE organization_id = app.current_org() AND object_key = ANY(keys)
    $$;
REVOKE ALL ON FUNCTION reporting.object_keys_present(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.object_keys_present(text[]) TO unison_reporting;

-- The archive files written before the object store, for the sweep to move: up to n of
-- the current organization's, the key standing for the row's id.
CREATE FUNCTION reporting.legacy_files(n integer)
    RETURNS TABLE (id text, content_type text, content bytea)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, reporting
    AS $$
    SELECT key, 'application/vnd.apache.parquet', content FROM reporting.archive_objects
    WHERE organization_id = app.current_org()
    ORDER BY key
    LIMIT n
    $$;

-- Legacy file p_old now in the store under p_new: the record points to it and the bytes
-- go. False when no record points to p_old any more (the copy is then nobody's).
CREATE FUNCTION reporting.legacy_file_stored(p_old text, p_new text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, reporting
    AS $$
DECLARE
    org uuid := app.current_org();
    found_one boolean;
BEGIN
    IF org IS NULL THEN
        RAISE EXCEPTION 'no organization set';
    END IF;
    UPDATE reporting.fact_archives SET object_key = p_new
    WHERE organization_id = org AND object_key = p_old;
    found_one := FOUND;
    DELETE FROM reporting.archive_objects WHERE organization_id = org AND key = p_old;
    RETURN found_one;
END $$;
CREATE POLICY fact_archives_legacy_move ON reporting.fact_archives FOR UPDATE
    TO unison_owner USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
REVOKE ALL ON FUNCTION reporting.legacy_files(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION reporting.legacy_file_stored(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.legacy_files(integer) TO unison_reporting;
GRANT EXECUTE ON FUNCTION reporting.legacy_file_stored(text, text) TO unison_reporting;

-- Every 6 hours: legacy archive files, expired exports, queued deletions and orphans
-- (objects no row points to), as one job per organization.
SELECT cron.schedule('reporting-objects-sweep', '53 */6 * * *',
    $$SELECT bus.enqueue_for_all_organizations('reporting', 'reporting.objects_sweep', '{}', 3)$$);
