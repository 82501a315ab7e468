-- Maintenance facts and their rollup. Maintenance's daily job publishes each equipment's
-- KPI inputs of a day (maintenance.kpis.published, again when the day is recomputed: the
-- newer replaces the older); reporting keeps them as facts (monthly partitions) and adds
-- the difference to a daily rollup per plant in the same statement. Every input is
-- additive, so MTBF, MTTR, availability, PMP, PM compliance and cost of any period are
-- ratios of sums, computed when read. The backlog is a stock: a period shows the one of
-- its last day.

CREATE TABLE reporting.maintenance_day_facts (
    organization_id           uuid NOT NULL,
    day                       date NOT NULL,
    plant_id                  uuid NOT NULL,
    equipment_id              uuid NOT NULL,
    planned_operating_hours   numeric NOT NULL,
    downtime_hours            numeric NOT NULL,
    failures                  integer NOT NULL,
    repairs                   integer NOT NULL,
    repair_hours              numeric NOT NULL,
    maintenance_hours         numeric NOT NULL,
    planned_maintenance_hours numeric NOT NULL,
    pm_due                    integer NOT NULL,
    pm_on_time                integer NOT NULL,
    backlog_count             integer NOT NULL,
    backlog_hours             numeric NOT NULL,
    labour_cost               numeric NOT NULL,
    parts_cost                numeric NOT NULL,
    event_id                  uuid NOT NULL,
    occurred_at               timestamptz NOT NULL,
    received_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, day, plant_id, equipment_id)
) PARTITION BY RANGE (day);
CREATE INDEX maintenance_day_facts_time ON reporting.maintenance_day_facts USING brin (day);
CREATE INDEX maintenance_day_facts_equipment
    ON reporting.maintenance_day_facts (organization_id, equipment_id, day);

SELECT partman.create_parent(
    p_parent_table := 'reporting.maintenance_day_facts',
    p_control := 'day',
    p_type := 'native',
    p_interval := 'monthly',
    p_premake := 3
);
UPDATE partman.part_config SET infinite_time_partitions = true
WHERE parent_table = 'reporting.maintenance_day_facts';

-- The facts of a day and plant, summed (equipment: how many facts are in the row).
CREATE TABLE reporting.maintenance_daily (
    organization_id           uuid NOT NULL,
    bucket_day                date NOT NULL,
    plant_id                  uuid NOT NULL,
    equipment                 integer NOT NULL DEFAULT 0,
    planned_operating_hours   numeric NOT NULL DEFAULT 0,
    downtime_hours            numeric NOT NULL DEFAULT 0,
    failures                  integer NOT NULL DEFAULT 0,
    repairs                   integer NOT NULL DEFAULT 0,
    repair_hours              numeric NOT NULL DEFAULT 0,
    maintenance_hours         numeric NOT NULL DEFAULT 0,
    planned_maintenance_hours numeric NOT NULL DEFAULT 0,
    pm_due                    integer NOT NULL DEFAULT 0,
    pm_on_time                integer NOT NULL DEFAULT 0,
    backlog_count             integer NOT NULL DEFAULT 0,
    backlog_hours             numeric NOT NULL DEFAULT 0,
    labour_cost               numeric NOT NULL DEFAULT 0,
    parts_cost                numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, bucket_day, plant_id)
);
CREATE INDEX maintenance_daily_plant
    ON reporting.maintenance_daily (organization_id, plant_id, bucket_day);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['maintenance_day_facts', 'maintenance_daily'] LOOP
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
GRANT SELECT, INSERT, UPDATE ON reporting.maintenance_day_facts TO unison_reporting;
GRANT SELECT, INSERT, UPDATE, DELETE ON reporting.maintenance_daily TO unison_reporting;

SELECT pgmq.bind_topic('maintenance.kpis.published', 'reporting_events');

-- The plants a job of the current organization acts on (the rebuild) include those with
-- maintenance figures only: read as the owner, for the current organization only.
CREATE POLICY maintenance_daily_plants_of_organization ON reporting.maintenance_daily
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
        UNION
        SELECT plant_id FROM reporting.maintenance_daily
        WHERE organization_id = app.current_org()
    ) p
    $$;
