-- The fact archive (the stand-in for TimescaleDB compression): monthly fact partitions
-- older than the retention are exported per organization to Parquet (zstd), recorded
-- here, then detached and dropped. The archive stays queryable: the analytics endpoint
-- reads an organization's archived Parquet next to the live partitions.

-- One organization's rows of one archived month of one fact table. A partition holds
-- every organization's rows, so it is dropped only when each organization with rows in
-- it has a record here with exactly that many rows.
CREATE TABLE reporting.fact_archives (
    organization_id uuid        NOT NULL,
    fact_table      text        NOT NULL
        CHECK (fact_table IN ('count_facts', 'downtime_facts', 'shift_facts')),
    range_start     timestamptz NOT NULL,    -- the partition's bounds [start, end)
    range_end       timestamptz NOT NULL CHECK (range_end > range_start),
    partition_name  text        NOT NULL,
    object_key      text        NOT NULL,    -- where the Parquet is (archive/store.py)
    rows            bigint      NOT NULL CHECK (rows >= 0),
    parquet_bytes   bigint      NOT NULL,
    partition_bytes bigint      NOT NULL,    -- pg_total_relation_size when exported
    archived_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, fact_table, range_start)
);

-- The archive's bytes until the object store is there: one row per Parquet file.
CREATE TABLE reporting.archive_objects (
    organization_id uuid        NOT NULL,
    key             text        NOT NULL,
    content         bytea       NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, key)
);
-- Parquet is compressed already: TOAST compressing it again would only cost CPU.
ALTER TABLE reporting.archive_objects ALTER COLUMN content SET STORAGE EXTERNAL;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['fact_archives', 'archive_objects'] LOOP
        EXECUTE format('ALTER TABLE reporting.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE reporting.%I FORCE ROW LEVEL SECURITY', t);
        -- Organization-wide, not per plant: an archive file holds every plant of its
        -- organization (readers filter the plants of the caller themselves).
        EXECUTE format(
            'CREATE POLICY %I ON reporting.%I'
            ' USING (organization_id = app.current_org())'
            ' WITH CHECK (organization_id = app.current_org())',
            t || '_tenant', t);
    END LOOP;
END
$$;
GRANT SELECT, INSERT, UPDATE ON reporting.fact_archives TO unison_reporting;
-- DELETE: a month archived again (late facts) replaces its file.
GRANT SELECT, INSERT, DELETE ON reporting.archive_objects TO unison_reporting;
-- The drop below compares every organization's record with the partition.
CREATE POLICY fact_archives_drop_check ON reporting.fact_archives FOR SELECT
    TO unison_owner USING (true);

-- The current organization's rows in fact partitions that end on or before p_before:
-- what the archive job exports. Reads the partitions themselves (they carry no policy
-- and no grant), filtered to the current organization, so it runs as the owner.
CREATE FUNCTION reporting.archive_candidates(p_before timestamptz)
    RETURNS TABLE (fact_table text, partition_name text, range_start timestamptz,
                   range_end timestamptz, org_rows bigint, plant_ids uuid[],
                   partition_bytes bigint, archived_rows bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, reporting
    AS $$
DECLARE
    org uuid := app.current_org();
    parent text;
    child record;
    bounds record;
BEGIN
    IF org IS NULL THEN
        RAISE EXCEPTION 'no organization set';
    END IF;
    FOREACH parent IN ARRAY ARRAY['count_facts', 'downtime_facts', 'shift_facts'] LOOP
        FOR child IN
            SELECT c.oid, c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = format('reporting.%I', parent)::regclass
              AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
            ORDER BY c.relname
        LOOP
            SELECT s.child_start_time, s.child_end_time INTO bounds
            FROM partman.show_partition_info('reporting.' || child.relname) s;
            CONTINUE WHEN bounds.child_end_time > p_before;
            EXECUTE format('SELECT count(*), coalesce(array_agg(DISTINCT plant_id), ''{}'')'
                           ' FROM reporting.%I WHERE organization_id = $1', child.relname)
                INTO org_rows, plant_ids USING org;
            CONTINUE WHEN org_rows = 0;
            fact_table := parent;
            partition_name := child.relname;
            range_start := bounds.child_start_time;
            range_end := bounds.child_end_time;
            partition_bytes := pg_total_relation_size(child.oid);
            archived_rows := (SELECT a.rows FROM reporting.fact_archives a
                              WHERE a.organization_id = org AND a.fact_table = parent
                                AND a.range_start = bounds.child_start_time);
            RETURN NEXT;
        END LOOP;
    END LOOP;
END
$$;

-- Detach and drop a fact partition once every organization's rows in it are archived
-- (a record with exactly its row count); false, and nothing changed, otherwise. Only a
-- month wholly in the past, only a partition of the three fact tables.
CREATE FUNCTION reporting.drop_archived_partition(p_partition text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, reporting
    AS $$
DECLARE
    parent text;
    bounds record;
    unarchived bigint;
BEGIN
    SELECT p.relname INTO parent
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_class p ON p.oid = i.inhparent
    JOIN pg_namespace n ON n.oid = p.relnamespace
    WHERE n.nspname = 'reporting' AND c.relname = p_partition
      AND p.relname IN ('count_facts', 'downtime_facts', 'shift_facts')
      AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT';
    IF parent IS NULL THEN
        RAISE EXCEPTION 'not a monthly fact partition: %', p_partition;
    END IF;
    SELECT s.child_start_time, s.child_end_time INTO bounds
    FROM partman.show_partition_info('reporting.' || p_partition) s;
    IF bounds.child_end_time > date_trunc('month', now()) THEN
        RAISE EXCEPTION 'partition % is not wholly in the past', p_partition;
    END IF;
    -- One drop at a time (two organizations' jobs may finish together), and no insert
    -- into the partition between the count and the drop.
    PERFORM pg_advisory_xact_lock(hashtext('reporting.drop_archived_partition'));
    EXECUTE format('LOCK TABLE reporting.%I IN SHARE MODE', p_partition);
    EXECUTE format(
        'SELECT count(*) FROM (SELECT organization_id, count(*) AS n FROM reporting.%I'
        '  GROUP BY organization_id) live'
        ' LEFT JOIN reporting.fact_archives a ON a.organization_id = live.organization_id'
        '  AND a.fact_table = $1 AND a.range_start = $2'
        ' WHERE a.rows IS DISTINCT FROM live.n', p_partition)
        INTO unarchived USING parent, bounds.child_start_time;
    IF unarchived > 0 THEN
        RETURN false;
    END IF;
    EXECUTE format('ALTER TABLE reporting.%I DETACH PARTITION reporting.%I', parent, p_partition);
    EXECUTE format('DROP TABLE reporting.%I', p_partition);
    RETURN true;
END
$$;
REVOKE ALL ON FUNCTION reporting.archive_candidates(timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION reporting.drop_archived_partition(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.archive_candidates(timestamptz) TO unison_reporting;
GRANT EXECUTE ON FUNCTION reporting.drop_archived_partition(text) TO unison_reporting;

-- Monthly, on the 2nd (after every month-end job): each organization's archive job. Jobs
-- run per organization; the last one to archive a partition's rows drops it.
SELECT cron.schedule('reporting-archive', '23 4 2 * *',
    $$SELECT bus.enqueue_for_all_organizations('reporting', 'reporting.archive_facts', '{}', 3)$$);
