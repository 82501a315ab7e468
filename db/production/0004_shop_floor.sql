-- The shop floor: the log of what happened (a time series), labour per person, downtime
-- per work center, and the OEE figures kept per work center and shift.

-- Every start, pause, resume, finish and count, from operators and machines: 10k+ rows a
-- day per customer, so monthly partitions (pg_partman) with BRIN on time, and retention
-- per organization (production.settings). Rows are never updated.
CREATE TABLE production.production_logs (
    organization_id uuid NOT NULL,
    logged_at       timestamptz NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    work_center_id  uuid NOT NULL,
    work_order_id   uuid,
    operation_no    integer,
    kind            text NOT NULL CHECK (kind IN
                        ('setup', 'start', 'pause', 'resume', 'finish', 'count')),
    good_quantity   numeric NOT NULL DEFAULT 0 CHECK (good_quantity >= 0),
    scrap_quantity  numeric NOT NULL DEFAULT 0 CHECK (scrap_quantity >= 0),
    rework_quantity numeric NOT NULL DEFAULT 0 CHECK (rework_quantity >= 0),
    reason_id       uuid,
    person          text,
    source          text NOT NULL DEFAULT 'operator' CHECK (source IN ('operator', 'machine')),
    -- The shift the row belongs to, resolved from the work center's calendar when written.
    production_day  date NOT NULL,
    shift_code      text NOT NULL,
    -- The operation's ideal cycle time when counted: the basis of the performance factor.
    ideal_cycle_seconds numeric,
    note            text CHECK (length(note) <= 500),
    entered_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    entered_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, logged_at, id)
) PARTITION BY RANGE (logged_at);
CREATE INDEX production_logs_time ON production.production_logs USING brin (logged_at);
CREATE INDEX production_logs_work_center ON production.production_logs
    (organization_id, work_center_id, logged_at);
CREATE INDEX production_logs_order ON production.production_logs
    (organization_id, work_order_id, logged_at) WHERE work_order_id IS NOT NULL;

SELECT partman.create_parent(
    p_parent_table := 'production.production_logs',
    p_control := 'logged_at',
    p_type := 'native',
    p_interval := 'monthly',
    p_premake := 3
);
-- partman drops whole months past the longest retention any organization has (kept up to
-- date by production.sync_log_retention below); each organization's own shorter
-- retention deletes its rows earlier, in the worker.
UPDATE partman.part_config
SET retention = '24 months', retention_keep_table = false, infinite_time_partitions = true
WHERE parent_table = 'production.production_logs';

-- Labour: who worked on which operation, from when to when. An entry is open while the
-- person works; pausing or finishing the operation closes it.
CREATE TABLE production.labour_entries (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    work_order_id   uuid NOT NULL,
    operation_no    integer NOT NULL,
    work_center_id  uuid NOT NULL,
    person          text NOT NULL CHECK (length(person) BETWEEN 1 AND 100),
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, plant_id, work_order_id)
        REFERENCES production.work_orders (organization_id, plant_id, id),
    CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX labour_entries_order ON production.labour_entries
    (organization_id, work_order_id, operation_no, started_at);
-- One open entry per person and operation.
CREATE UNIQUE INDEX labour_entries_open ON production.labour_entries
    (organization_id, work_order_id, operation_no, person) WHERE ended_at IS NULL;

-- Downtime per work center: one open at a time; it closes when the machine runs again
-- (a start, resume or count there), by hand, or when maintenance finishes the work order
-- that it is linked to.
CREATE TABLE production.downtime_events (
    organization_id  uuid NOT NULL,
    id               uuid NOT NULL DEFAULT app.uuid7(),
    plant_id         uuid NOT NULL,
    work_center_id   uuid NOT NULL,
    started_at       timestamptz NOT NULL,
    ended_at         timestamptz,
    -- When it is expected to run again: scheduling blocks the work center until then.
    expected_end     timestamptz,
    reason_id        uuid,
    planned          boolean NOT NULL DEFAULT false,
    loss             text NOT NULL DEFAULT 'breakdown'
                         CHECK (loss IN ('planned_stop', 'breakdown', 'setup', 'minor_stop')),
    description      text CHECK (length(description) <= 1000),
    source           text NOT NULL DEFAULT 'operator'
                         CHECK (source IN ('operator', 'machine', 'maintenance', 'pause')),
    maintenance_work_order_id uuid,
    work_order_id    uuid,
    operation_no     integer,
    reported_by      text NOT NULL DEFAULT app.current_user_id(),
    closed_by        text,
    -- Up to when its time is booked into the OEE buckets: the daily close books the part
    -- of an open downtime that lies in a closed shift, the end books the rest.
    booked_until     timestamptz,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, plant_id, work_center_id)
        REFERENCES production.work_centers (organization_id, plant_id, id),
    FOREIGN KEY (organization_id, reason_id) REFERENCES production.reasons (organization_id, id),
    CHECK (ended_at IS NULL OR ended_at >= started_at),
    CHECK (expected_end IS NULL OR expected_end >= started_at)
);
CREATE UNIQUE INDEX downtime_events_one_open ON production.downtime_events
    (organization_id, work_center_id) WHERE ended_at IS NULL;
CREATE INDEX downtime_events_work_center ON production.downtime_events
    (organization_id, work_center_id, started_at);
CREATE INDEX downtime_events_maintenance ON production.downtime_events
    (organization_id, maintenance_work_order_id) WHERE maintenance_work_order_id IS NOT NULL;

-- OEE inputs per work center and shift, kept up to date in the transaction of every
-- count and every closed downtime (upserts into the bucket), so a dashboard never reads
-- the logs. scheduled/break seconds come from the calendar when the bucket is made; the
-- daily close recomputes yesterday's buckets from the logs and marks them closed.
CREATE TABLE production.oee_buckets (
    organization_id      uuid NOT NULL,
    work_center_id       uuid NOT NULL,
    production_day       date NOT NULL,
    shift_code           text NOT NULL,
    plant_id             uuid NOT NULL,
    shift_start          timestamptz NOT NULL,
    shift_end            timestamptz NOT NULL,
    scheduled_seconds    numeric NOT NULL DEFAULT 0,
    break_seconds        numeric NOT NULL DEFAULT 0,
    planned_stop_seconds numeric NOT NULL DEFAULT 0,
    breakdown_seconds    numeric NOT NULL DEFAULT 0,
    setup_seconds        numeric NOT NULL DEFAULT 0,
    minor_stop_seconds   numeric NOT NULL DEFAULT 0,
    ideal_run_seconds    numeric NOT NULL DEFAULT 0,
    good_count           numeric NOT NULL DEFAULT 0,
    scrap_count          numeric NOT NULL DEFAULT 0,
    rework_count         numeric NOT NULL DEFAULT 0,
    quality_rejected_count numeric NOT NULL DEFAULT 0,
    closed               boolean NOT NULL DEFAULT false,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, work_center_id, production_day, shift_code),
    FOREIGN KEY (organization_id, plant_id, work_center_id)
        REFERENCES production.work_centers (organization_id, plant_id, id)
);
CREATE INDEX oee_buckets_plant_day ON production.oee_buckets (organization_id, plant_id, production_day);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['production_logs', 'labour_entries', 'downtime_events',
                             'oee_buckets'] LOOP
        EXECUTE format('ALTER TABLE production.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE production.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON production.%I'
            ' USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))'
            ' WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id))',
            t || '_tenant', t);
    END LOOP;
END
$$;

-- The log is append-only for the service; its retention job deletes the organization's
-- old rows (RLS keeps that delete inside the organization and its plants).
GRANT SELECT, INSERT, DELETE ON production.production_logs TO unison_production;
GRANT SELECT, INSERT, UPDATE ON production.labour_entries, production.downtime_events,
    production.oee_buckets TO unison_production;

-- The longest log retention of any organization, for partman's whole-month drops. Runs
-- as the owner from pg_cron; reads only the retention column of every organization.
CREATE POLICY settings_retention_sync ON production.settings FOR SELECT TO unison_owner
    USING (true);
CREATE FUNCTION production.sync_log_retention() RETURNS text
    LANGUAGE sql
    AS $$
    UPDATE partman.part_config
    SET retention = greatest(24, (SELECT max(log_retention_months) FROM production.settings))
                    || ' months'
    WHERE parent_table = 'production.production_logs'
    RETURNING retention
    $$;
REVOKE ALL ON FUNCTION production.sync_log_retention() FROM PUBLIC;

SELECT cron.schedule('production-log-retention-sync', '17 3 * * *',
    $$SELECT production.sync_log_retention()$$);
-- Each organization's own retention, in its worker.
SELECT cron.schedule('production-log-retention', '27 3 * * *',
    $$SELECT bus.enqueue_for_all_organizations('production', 'production.log_retention', '{}', 3)$$);
-- Yesterday's OEE closes at 06:00 (UTC; the job closes every shift that has ended).
SELECT cron.schedule('production-oee-close', '0 6 * * *',
    $$SELECT bus.enqueue_for_all_organizations('production', 'production.oee_close', '{}', 3)$$);

-- Topics production consumes: materials (its read model), SAP production orders,
-- inventory's answers to its posting requests, maintenance's work orders (downtime) and
-- quality's rejections (the quality factor of OEE).
SELECT pgmq.bind_topic('inventory.material.*', 'production_events');
SELECT pgmq.bind_topic('inventory.bom.*', 'production_events');
SELECT pgmq.bind_topic('inventory.sap.production_order.received', 'production_events');
SELECT pgmq.bind_topic('inventory.production_posting.*', 'production_events');
SELECT pgmq.bind_topic('maintenance.work_order.*', 'production_events');
SELECT pgmq.bind_topic('quality.inspection.decided', 'production_events');
