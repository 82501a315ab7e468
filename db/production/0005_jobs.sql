-- What production's background jobs need: the plants of an organization (a job carries
-- none), label files for download, and schedule runs.

-- A scheduled job (the OEE close, log retention) acts for the whole organization: it
-- scopes its transaction to every plant the organization has work centers in. Runs as the
-- owner for the current organization only.
CREATE FUNCTION production.organization_plants() RETURNS uuid[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, production
    AS $$
    SELECT coalesce(array_agg(DISTINCT plant_id), '{}')
    FROM production.work_centers
    WHERE organization_id = app.current_org()
    $$;
CREATE POLICY work_centers_plants_of_organization ON production.work_centers FOR SELECT
    TO unison_owner USING (organization_id = app.current_org());
REVOKE ALL ON FUNCTION production.organization_plants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION production.organization_plants() TO unison_production;

-- Label PDFs made by the labels job, kept a week for download (object storage takes the
-- content over when it arrives; this row then keeps its key).
CREATE TABLE production.label_files (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    job_id          uuid NOT NULL,
    filename        text NOT NULL,
    label_count     integer NOT NULL CHECK (label_count > 0),
    size_bytes      integer NOT NULL CHECK (size_bytes >= 0),
    content         bytea NOT NULL,
    created_by      text NOT NULL DEFAULT app.current_user_id(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL DEFAULT now() + interval '7 days',
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX label_files_expires_at ON production.label_files (expires_at);
ALTER TABLE production.label_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE production.label_files FORCE ROW LEVEL SECURITY;
CREATE POLICY label_files_tenant ON production.label_files
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
-- The daily sweep runs as the owner with no organization: it may remove expired files only.
CREATE POLICY label_files_expired_sweep ON production.label_files FOR DELETE TO unison_owner
    USING (expires_at < now());
GRANT SELECT, INSERT ON production.label_files TO unison_production;
SELECT cron.schedule('production-label-files-cleanup', '33 2 * * *',
    $$DELETE FROM production.label_files WHERE expires_at < now()$$);

-- A scheduling run of a plant: when, which way, what it found. The bars themselves are
-- written onto the operations (scheduled_*), so the Gantt chart reads the orders.
CREATE TABLE production.schedule_runs (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    direction       text NOT NULL CHECK (direction IN ('forward', 'backward')),
    trigger         text NOT NULL CHECK (length(trigger) BETWEEN 1 AND 100),
    horizon_start   timestamptz NOT NULL,
    horizon_end     timestamptz NOT NULL,
    stats           jsonb NOT NULL,
    conflicts       jsonb NOT NULL,
    late_orders     jsonb NOT NULL,
    duration_ms     numeric NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX schedule_runs_plant ON production.schedule_runs (organization_id, plant_id, id);
ALTER TABLE production.schedule_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE production.schedule_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY schedule_runs_tenant ON production.schedule_runs
    USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))
    WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id));
GRANT SELECT, INSERT ON production.schedule_runs TO unison_production;

-- The Gantt chart of a plant: planned operations by time.
CREATE INDEX work_order_operations_plant_plan ON production.work_order_operations
    (organization_id, plant_id, scheduled_start) WHERE scheduled_start IS NOT NULL;
