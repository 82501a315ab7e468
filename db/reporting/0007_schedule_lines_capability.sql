-- Work-order schedule adherence and lead time, the work centers' lines, measured values
-- for the Cpk trend, and freshness counters per dashboard scope.

-- ------------------------------------------------------------------ dashboard scopes
-- Every dashboard is cached now, not only OEE: a counter per organization, plant, scope
-- and day, so a production count does not evict the quality dashboards of its day (and
-- the other way round). Existing counters are production's (OEE).
ALTER TABLE reporting.dashboard_generations
    ADD COLUMN scope text NOT NULL DEFAULT 'production'
        CHECK (scope ~ '^[a-z_]{1,30}$');
ALTER TABLE reporting.dashboard_generations DROP CONSTRAINT dashboard_generations_pkey;
ALTER TABLE reporting.dashboard_generations
    ADD PRIMARY KEY (organization_id, plant_id, scope, day);

-- ------------------------------------------------------------------ work centers
-- The work centers' current code, name and line (production.work_center.changed, and the
-- line a closed shift names): OEE by line groups work centers by the line they are on
-- now, as production's own OEE report does. as_of orders updates: the newer wins.
CREATE TABLE reporting.work_centers (
    organization_id uuid NOT NULL,
    work_center_id  uuid NOT NULL,
    plant_id        uuid NOT NULL,
    code            text,
    name            text,
    line            text,
    deleted         boolean NOT NULL DEFAULT false,
    as_of           timestamptz NOT NULL,
    event_id        uuid NOT NULL,
    PRIMARY KEY (organization_id, work_center_id)
);
CREATE INDEX work_centers_line ON reporting.work_centers (organization_id, plant_id, line);

-- ------------------------------------------------------------------ work orders
-- What an open order needs remembered until it completes: when it was created and
-- released (the status changes' times). One row per order, newest version wins.
CREATE TABLE reporting.work_order_states (
    organization_id uuid NOT NULL,
    work_order_id   uuid NOT NULL,
    plant_id        uuid NOT NULL,
    number          text NOT NULL,
    status          text NOT NULL,
    created_at      timestamptz,
    released_at     timestamptz,
    version         integer NOT NULL,
    PRIMARY KEY (organization_id, work_order_id)
);

-- One row per completed order (its first status change to completed, or closed, with an
-- actual end), on the time it completed. Lead times in seconds, null where the start is
-- unknown; on_schedule null when the order had no scheduled end.
CREATE TABLE reporting.work_order_facts (
    organization_id  uuid NOT NULL,
    completed_at     timestamptz NOT NULL,
    work_order_id    uuid NOT NULL,
    plant_id         uuid NOT NULL,
    work_center_key  uuid NOT NULL,        -- the output operation's; the nil uuid if unknown
    number           text NOT NULL,
    material_id      uuid NOT NULL,
    quantity         numeric NOT NULL,
    good_quantity    numeric NOT NULL,
    scrap_quantity   numeric NOT NULL,
    due_at           timestamptz NOT NULL,
    scheduled_end    timestamptz,
    created_at       timestamptz,
    released_at      timestamptz,
    actual_start     timestamptz,
    on_time          boolean NOT NULL,
    on_schedule      boolean,
    quantity_met     boolean NOT NULL,
    release_seconds  numeric,
    create_seconds   numeric,
    event_id         uuid NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, completed_at, work_order_id)
) PARTITION BY RANGE (completed_at);
CREATE INDEX work_order_facts_time ON reporting.work_order_facts USING brin (completed_at);
-- The percentiles are read from the facts of a period and plant.
CREATE INDEX work_order_facts_plant ON reporting.work_order_facts
    (organization_id, plant_id, completed_at);
-- "Is this order already counted?": an order completes once.
CREATE INDEX work_order_facts_order ON reporting.work_order_facts
    (organization_id, work_order_id);

-- Additive daily measures per UTC day of completion, plant and work center.
CREATE TABLE reporting.work_order_daily (
    organization_id  uuid NOT NULL,
    bucket_day       date NOT NULL,
    plant_id         uuid NOT NULL,
    work_center_key  uuid NOT NULL,
    completed        integer NOT NULL DEFAULT 0,
    on_time          integer NOT NULL DEFAULT 0,
    scheduled        integer NOT NULL DEFAULT 0,
    on_schedule      integer NOT NULL DEFAULT 0,
    quantity_met     integer NOT NULL DEFAULT 0,
    planned_quantity numeric NOT NULL DEFAULT 0,
    good_quantity    numeric NOT NULL DEFAULT 0,
    released         integer NOT NULL DEFAULT 0,
    release_seconds  numeric NOT NULL DEFAULT 0,
    created          integer NOT NULL DEFAULT 0,
    create_seconds   numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, bucket_day, plant_id, work_center_key)
);
CREATE INDEX work_order_daily_plant ON reporting.work_order_daily
    (organization_id, plant_id, bucket_day);

-- ------------------------------------------------------------------ measured values
-- Every measured result of a characteristic (quality.measurements.recorded), on its
-- measured time, with the specification limits it was judged against. A sample measured
-- again counts with its latest value only (as quality's SPC reads it): the newer
-- measurement replaces the row. Values of the same time are in the order quality
-- recorded them: (event, position in the event).
CREATE TABLE reporting.measurement_facts (
    organization_id uuid NOT NULL,
    measured_at     timestamptz NOT NULL,
    inspection_id   uuid NOT NULL,
    characteristic  text NOT NULL,
    sample_no       integer NOT NULL,
    plant_id        uuid NOT NULL,
    material_id     uuid NOT NULL,
    value           numeric NOT NULL,
    lsl             numeric,
    usl             numeric,
    event_id        uuid NOT NULL,
    seq             integer NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, measured_at, inspection_id, characteristic, sample_no)
) PARTITION BY RANGE (measured_at);
CREATE INDEX measurement_facts_time ON reporting.measurement_facts USING brin (measured_at);
-- A day's series of one characteristic, in time order (the moving ranges).
CREATE INDEX measurement_facts_series ON reporting.measurement_facts
    (organization_id, plant_id, material_id, characteristic, measured_at, event_id, seq);
-- The sample's earlier measurement, which a newer one replaces.
CREATE INDEX measurement_facts_sample ON reporting.measurement_facts
    (organization_id, inspection_id, characteristic, sample_no);

-- Per UTC day, plant, material and characteristic: what any period's Cpk and Ppk are
-- computed from. n, sum and sum of squares give the mean and the overall sigma; the
-- moving ranges within the day (sum and count) plus the day's first and last value give
-- the individuals' MR-bar of any run of days (the range between one day's last and the
-- next day's first value is added when read). lsl/usl: the day's last measurement's.
CREATE TABLE reporting.spc_daily (
    organization_id uuid NOT NULL,
    bucket_day      date NOT NULL,
    plant_id        uuid NOT NULL,
    material_id     uuid NOT NULL,
    characteristic  text NOT NULL,
    n               bigint NOT NULL,
    sum             numeric NOT NULL,
    sum_squares     numeric NOT NULL,
    mr_count        bigint NOT NULL,
    mr_sum          numeric NOT NULL,
    first_value     numeric NOT NULL,
    last_value      numeric NOT NULL,
    lsl             numeric,
    usl             numeric,
    PRIMARY KEY (organization_id, plant_id, material_id, characteristic, bucket_day)
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['work_order_facts', 'measurement_facts'] LOOP
        PERFORM partman.create_parent(
            p_parent_table := 'reporting.' || t,
            p_control := CASE t WHEN 'work_order_facts' THEN 'completed_at'
                                ELSE 'measured_at' END,
            p_type := 'native',
            p_interval := 'monthly',
            p_premake := 3
        );
        UPDATE partman.part_config SET infinite_time_partitions = true
        WHERE parent_table = 'reporting.' || t;
    END LOOP;
    FOREACH t IN ARRAY ARRAY['work_centers', 'work_order_states', 'work_order_facts',
                             'work_order_daily', 'measurement_facts', 'spc_daily'] LOOP
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
GRANT SELECT, INSERT, UPDATE ON reporting.work_centers, reporting.work_order_states
    TO unison_reporting;
GRANT SELECT, INSERT ON reporting.work_order_facts TO unison_reporting;
GRANT SELECT, INSERT, DELETE ON reporting.measurement_facts TO unison_reporting;
GRANT SELECT, INSERT, UPDATE, DELETE ON reporting.work_order_daily, reporting.spc_daily
    TO unison_reporting;

SELECT pgmq.bind_topic('production.work_center.changed', 'reporting_events');
SELECT pgmq.bind_topic('production.work_order.created', 'reporting_events');
SELECT pgmq.bind_topic('production.work_order.status_changed', 'reporting_events');
SELECT pgmq.bind_topic('quality.measurements.recorded', 'reporting_events');
