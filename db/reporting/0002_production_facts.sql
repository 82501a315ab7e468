-- Production facts and their rollups: the reporting worker keeps production's events as
-- facts (time series, monthly partitions) and adds each one to its hourly and daily
-- buckets in the same transaction, so a dashboard over months reads a few thousand rollup
-- rows, not the facts. Rollups hold additive measures only (sums and counts): ratios are
-- computed when read, from the sums, the way production computes its own OEE.

-- Counts reported at a work center (production.counts.logged), one row per event.
CREATE TABLE reporting.count_facts (
    organization_id   uuid NOT NULL,
    logged_at         timestamptz NOT NULL,          -- the event's last_at
    event_id          uuid NOT NULL,
    plant_id          uuid NOT NULL,
    work_center_id    uuid NOT NULL,
    first_at          timestamptz NOT NULL,
    good_quantity     numeric NOT NULL,
    scrap_quantity    numeric NOT NULL,
    rework_quantity   numeric NOT NULL,
    ideal_run_seconds numeric NOT NULL,
    source            text NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, logged_at, event_id)
) PARTITION BY RANGE (logged_at);
CREATE INDEX count_facts_time ON reporting.count_facts USING brin (logged_at);

-- Downtime intervals (production.downtime.ended), one row per stop.
CREATE TABLE reporting.downtime_facts (
    organization_id uuid NOT NULL,
    started_at      timestamptz NOT NULL,
    downtime_id     uuid NOT NULL,
    event_id        uuid NOT NULL,
    plant_id        uuid NOT NULL,
    work_center_id  uuid NOT NULL,
    ended_at        timestamptz NOT NULL CHECK (ended_at >= started_at),
    planned         boolean NOT NULL,
    loss            text NOT NULL,
    reason_code     text,
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, started_at, downtime_id)
) PARTITION BY RANGE (started_at);
CREATE INDEX downtime_facts_time ON reporting.downtime_facts USING brin (started_at);

-- A work center's OEE inputs for one shift, final (production.oee.closed). Production
-- publishes a shift again when it changed after its close: the newer event replaces the
-- row and the rollups get the difference.
CREATE TABLE reporting.shift_facts (
    organization_id        uuid NOT NULL,
    shift_start            timestamptz NOT NULL,
    work_center_id         uuid NOT NULL,
    production_day         date NOT NULL,
    shift_code             text NOT NULL,
    plant_id               uuid NOT NULL,
    line                   text,
    shift_end              timestamptz NOT NULL,
    scheduled_seconds      numeric NOT NULL,
    break_seconds          numeric NOT NULL,
    planned_stop_seconds   numeric NOT NULL,
    breakdown_seconds      numeric NOT NULL,
    setup_seconds          numeric NOT NULL,
    minor_stop_seconds     numeric NOT NULL,
    ideal_run_seconds      numeric NOT NULL,
    good_count             numeric NOT NULL,
    scrap_count            numeric NOT NULL,
    rework_count           numeric NOT NULL,
    quality_rejected_count numeric NOT NULL,
    event_id               uuid NOT NULL,
    occurred_at            timestamptz NOT NULL,
    received_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, shift_start, work_center_id, production_day, shift_code)
) PARTITION BY RANGE (shift_start);
CREATE INDEX shift_facts_time ON reporting.shift_facts USING brin (shift_start);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['count_facts', 'downtime_facts', 'shift_facts'] LOOP
        PERFORM partman.create_parent(
            p_parent_table := 'reporting.' || t,
            p_control := CASE t WHEN 'count_facts' THEN 'logged_at'
                                WHEN 'downtime_facts' THEN 'started_at'
                                ELSE 'shift_start' END,
            p_type := 'native',
            p_interval := 'monthly',
            p_premake := 3
        );
        -- Facts older than the retention are archived by a later slice; until then
        -- partman keeps every month (infinite partitions ahead, none dropped).
        UPDATE partman.part_config SET infinite_time_partitions = true
        WHERE parent_table = 'reporting.' || t;
    END LOOP;
END
$$;

-- The rollups. shift_code is '' where the fact knows no shift (counts and stops: the
-- shift is production's calendar, which it publishes only with the closed shift).
-- Measures from closed shifts (the OEE inputs) and from counts and stops (live output
-- and downtime of the hour) sit side by side; none is derived from another.
CREATE TABLE reporting.production_hourly (
    organization_id        uuid NOT NULL,
    bucket_start           timestamptz NOT NULL,
    plant_id               uuid NOT NULL,
    work_center_id         uuid NOT NULL,
    shift_code             text NOT NULL DEFAULT '',
    shifts                 integer NOT NULL DEFAULT 0,
    scheduled_seconds      numeric NOT NULL DEFAULT 0,
    break_seconds          numeric NOT NULL DEFAULT 0,
    planned_stop_seconds   numeric NOT NULL DEFAULT 0,
    breakdown_seconds      numeric NOT NULL DEFAULT 0,
    setup_seconds          numeric NOT NULL DEFAULT 0,
    minor_stop_seconds     numeric NOT NULL DEFAULT 0,
    ideal_run_seconds      numeric NOT NULL DEFAULT 0,
    good_count             numeric NOT NULL DEFAULT 0,
    scrap_count            numeric NOT NULL DEFAULT 0,
    rework_count           numeric NOT NULL DEFAULT 0,
    quality_rejected_count numeric NOT NULL DEFAULT 0,
    count_reports          integer NOT NULL DEFAULT 0,
    logged_good            numeric NOT NULL DEFAULT 0,
    logged_scrap           numeric NOT NULL DEFAULT 0,
    logged_rework          numeric NOT NULL DEFAULT 0,
    logged_ideal_seconds   numeric NOT NULL DEFAULT 0,
    downtimes              integer NOT NULL DEFAULT 0,
    downtime_planned_seconds   numeric NOT NULL DEFAULT 0,
    downtime_unplanned_seconds numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, bucket_start, plant_id, work_center_id, shift_code)
);
CREATE INDEX production_hourly_plant ON reporting.production_hourly
    (organization_id, plant_id, bucket_start);

CREATE TABLE reporting.production_daily (LIKE reporting.production_hourly INCLUDING DEFAULTS);
ALTER TABLE reporting.production_daily DROP COLUMN bucket_start;
-- The production day for closed shifts (production's own day), the UTC day otherwise.
ALTER TABLE reporting.production_daily ADD COLUMN bucket_day date NOT NULL;
ALTER TABLE reporting.production_daily
    ADD PRIMARY KEY (organization_id, bucket_day, plant_id, work_center_id, shift_code);
CREATE INDEX production_daily_plant ON reporting.production_daily
    (organization_id, plant_id, bucket_day);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['count_facts', 'downtime_facts', 'shift_facts',
                             'production_hourly', 'production_daily'] LOOP
        EXECUTE format('ALTER TABLE reporting.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE reporting.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON reporting.%I'
            ' USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))'
            ' WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id))',
            t || '_tenant', t);
    END LOOP;
END
$$;
-- Facts are written once (shift facts replaced by a newer close); the rebuild deletes and
-- recomputes rollups.
GRANT SELECT, INSERT ON reporting.count_facts, reporting.downtime_facts TO unison_reporting;
GRANT SELECT, INSERT, UPDATE ON reporting.shift_facts TO unison_reporting;
GRANT SELECT, INSERT, UPDATE, DELETE ON reporting.production_hourly, reporting.production_daily
    TO unison_reporting;

-- The plants a job of the current organization acts on (the rebuild): no plant is in
-- scope yet to read them. Runs as the owner, for the current organization only.
CREATE POLICY production_daily_plants_of_organization ON reporting.production_daily
    FOR SELECT TO unison_owner USING (organization_id = app.current_org());
CREATE FUNCTION reporting.organization_plants() RETURNS uuid[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, reporting
    AS $$
    SELECT coalesce(array_agg(DISTINCT plant_id), '{}')
    FROM reporting.production_daily
    WHERE organization_id = app.current_org()
    $$;
REVOKE ALL ON FUNCTION reporting.organization_plants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.organization_plants() TO unison_reporting;

SELECT pgmq.bind_topic('production.counts.logged', 'reporting_events');
SELECT pgmq.bind_topic('production.downtime.ended', 'reporting_events');
SELECT pgmq.bind_topic('production.oee.closed', 'reporting_events');
