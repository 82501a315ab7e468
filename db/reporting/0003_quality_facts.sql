-- Quality facts and their rollups. Quality publishes each day's first-pass yield and
-- defects per plant, material and work center (quality.figures.published, again when a day
-- changes: the newer replaces the older); reporting keeps them as facts (monthly
-- partitions) and adds the difference to daily rollups in the same statement. Usage
-- decisions (quality.inspection.decided) are facts too, counted into daily lot rollups as
-- they are made. NCRs and CAPAs are kept as their latest state (one row each, newest version wins): their counts,
-- ageing and on-time rate are read from those rows.

-- A day's figures of a material at a work center (work_center_key: the nil uuid for none).
CREATE TABLE reporting.quality_day_facts (
    organization_id   uuid NOT NULL,
    day               date NOT NULL,
    plant_id          uuid NOT NULL,
    material_id       uuid NOT NULL,
    work_center_key   uuid NOT NULL,
    inspected         numeric NOT NULL,
    passed_first_time numeric NOT NULL,
    defect_codes      text[] NOT NULL,
    defect_counts     bigint[] NOT NULL,
    event_id          uuid NOT NULL,
    occurred_at       timestamptz NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, day, plant_id, material_id, work_center_key),
    CHECK (cardinality(defect_codes) = cardinality(defect_counts))
) PARTITION BY RANGE (day);
CREATE INDEX quality_day_facts_time ON reporting.quality_day_facts USING brin (day);

SELECT partman.create_parent(
    p_parent_table := 'reporting.quality_day_facts',
    p_control := 'day',
    p_type := 'native',
    p_interval := 'monthly',
    p_premake := 3
);
UPDATE partman.part_config SET infinite_time_partitions = true
WHERE parent_table = 'reporting.quality_day_facts';

-- FPY inputs per day, plant and material (additive: ratios are computed when read).
CREATE TABLE reporting.quality_daily (
    organization_id   uuid NOT NULL,
    bucket_day        date NOT NULL,
    plant_id          uuid NOT NULL,
    material_id       uuid NOT NULL,
    figures           integer NOT NULL DEFAULT 0,
    inspected         numeric NOT NULL DEFAULT 0,
    passed_first_time numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, bucket_day, plant_id, material_id)
);
CREATE INDEX quality_daily_plant ON reporting.quality_daily (organization_id, plant_id, bucket_day);

-- Defects found per day, plant and code (the Pareto).
CREATE TABLE reporting.defect_daily (
    organization_id uuid NOT NULL,
    bucket_day      date NOT NULL,
    plant_id        uuid NOT NULL,
    code            text NOT NULL,
    count           bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, bucket_day, plant_id, code)
);

-- An NCR's latest state (quality.ncr.changed). closed_at: when it was first seen closed
-- (the event's time), kept while it stays closed.
CREATE TABLE reporting.ncr_facts (
    organization_id uuid NOT NULL,
    ncr_id          uuid NOT NULL,
    plant_id        uuid NOT NULL,
    number          text NOT NULL,
    status          text NOT NULL,
    severity        text NOT NULL,
    material_id     uuid NOT NULL,
    created_at      timestamptz NOT NULL,
    closed_at       timestamptz,
    version         integer NOT NULL,
    event_id        uuid NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, ncr_id)
);
CREATE INDEX ncr_facts_created ON reporting.ncr_facts (organization_id, created_at);

-- A CAPA's latest state (quality.capa.changed): due date and when it was closed.
CREATE TABLE reporting.capa_facts (
    organization_id uuid NOT NULL,
    capa_id         uuid NOT NULL,
    plant_id        uuid NOT NULL,
    number          text NOT NULL,
    status          text NOT NULL,
    due_date        date NOT NULL,
    closed_at       timestamptz,
    version         integer NOT NULL,
    event_id        uuid NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, capa_id)
);
CREATE INDEX capa_facts_closed ON reporting.capa_facts (organization_id, closed_at);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['quality_day_facts', 'quality_daily', 'defect_daily',
                             'ncr_facts', 'capa_facts'] LOOP
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
GRANT SELECT, INSERT, UPDATE ON reporting.quality_day_facts, reporting.ncr_facts,
    reporting.capa_facts TO unison_reporting;
GRANT SELECT, INSERT, UPDATE, DELETE ON reporting.quality_daily, reporting.defect_daily
    TO unison_reporting;

SELECT pgmq.bind_topic('quality.figures.published', 'reporting_events');
SELECT pgmq.bind_topic('quality.ncr.changed', 'reporting_events');
SELECT pgmq.bind_topic('quality.capa.changed', 'reporting_events');

-- Usage decisions (quality.inspection.decided), one row per inspection lot: live lot
-- counts for the lot-based first-pass yield (a lot passes first time when it is accepted
-- whole), on the UTC day of the decision.
CREATE TABLE reporting.inspection_facts (
    organization_id   uuid NOT NULL,
    decided_at        timestamptz NOT NULL,
    inspection_id     uuid NOT NULL,
    plant_id          uuid NOT NULL,
    material_id       uuid NOT NULL,
    work_center_key   uuid NOT NULL,
    lot               text,
    decision          text NOT NULL,
    accepted_quantity numeric NOT NULL,
    rejected_quantity numeric NOT NULL,
    event_id          uuid NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, decided_at, inspection_id)
) PARTITION BY RANGE (decided_at);
CREATE INDEX inspection_facts_time ON reporting.inspection_facts USING brin (decided_at);
SELECT partman.create_parent(
    p_parent_table := 'reporting.inspection_facts',
    p_control := 'decided_at',
    p_type := 'native',
    p_interval := 'monthly',
    p_premake := 3
);
UPDATE partman.part_config SET infinite_time_partitions = true
WHERE parent_table = 'reporting.inspection_facts';

CREATE TABLE reporting.inspection_daily (
    organization_id   uuid NOT NULL,
    bucket_day        date NOT NULL,
    plant_id          uuid NOT NULL,
    material_id       uuid NOT NULL,
    work_center_key   uuid NOT NULL,
    lots              integer NOT NULL DEFAULT 0,
    lots_passed       integer NOT NULL DEFAULT 0,
    inspected         numeric NOT NULL DEFAULT 0,
    passed_first_time numeric NOT NULL DEFAULT 0,
    rejected          numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, bucket_day, plant_id, material_id, work_center_key)
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['inspection_facts', 'inspection_daily'] LOOP
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
GRANT SELECT, INSERT ON reporting.inspection_facts TO unison_reporting;
GRANT SELECT, INSERT, UPDATE, DELETE ON reporting.inspection_daily TO unison_reporting;

SELECT pgmq.bind_topic('quality.inspection.decided', 'reporting_events');

-- The plants a job of the current organization acts on (the rebuild) include those with
-- quality figures or decisions only: read as the owner, for the current organization only.
CREATE POLICY quality_daily_plants_of_organization ON reporting.quality_daily
    FOR SELECT TO unison_owner USING (organization_id = app.current_org());
CREATE POLICY inspection_daily_plants_of_organization ON reporting.inspection_daily
    FOR SELECT TO unison_owner USING (organization_id = app.current_org());
CREATE OR REPLACE FUNCTION reporting.organization_plants() RETURNS uuid[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, reporting
    AS $$
    SELECT coalesce(array_agg(DISTINCT plant_id), '{}')
    FROM (
        SELECT plant_id FROM reporting.production_daily
        WHERE organization_id = app.current_org()
        UNION
        SELECT plant_id FROM reporting.quality_daily
        WHERE organization_id = app.current_org()
        UNION
        SELECT plant_id FROM reporting.inspection_daily
        WHERE organization_id = app.current_org()
    ) p
    $$;
