-- The plant-level daily rollup: production_daily without the work center and shift
-- dimensions, same additive measures. The OEE dashboard of a whole plant (or of all the
-- caller's plants) over 90 days reads ~90 rows per plant here instead of every work
-- center's and shift's. Maintained in the same statements as production_daily
-- (production_facts/facts.sql) and by the rebuild (from production_daily, rebuild.sql).
CREATE TABLE reporting.production_plant_daily (
    organization_id        uuid NOT NULL,
    bucket_day             date NOT NULL,
    plant_id               uuid NOT NULL,
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
    PRIMARY KEY (organization_id, bucket_day, plant_id)
);
-- One plant's days (a plant filter).
CREATE INDEX production_plant_daily_plant ON reporting.production_plant_daily
    (organization_id, plant_id, bucket_day);

ALTER TABLE reporting.production_plant_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporting.production_plant_daily FORCE ROW LEVEL SECURITY;
CREATE POLICY production_plant_daily_tenant ON reporting.production_plant_daily
    USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))
    WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id));
GRANT SELECT, INSERT, UPDATE, DELETE ON reporting.production_plant_daily TO unison_reporting;

-- Backfill, set-based: the migration runs as the owner with no organization in scope, so
-- the policy above would hide every row; FORCE is lifted for the copy only (in this
-- migration's transaction) and put back.
ALTER TABLE reporting.production_daily NO FORCE ROW LEVEL SECURITY;
ALTER TABLE reporting.production_plant_daily NO FORCE ROW LEVEL SECURITY;
INSERT INTO reporting.production_plant_daily (organization_id, bucket_day, plant_id,
    shifts, scheduled_seconds, break_seconds, planned_stop_seconds, breakdown_seconds,
    setup_seconds, minor_stop_seconds, ideal_run_seconds, good_count, scrap_count,
    rework_count, quality_rejected_count, count_reports, logged_good, logged_scrap,
    logged_rework, logged_ideal_seconds, downtimes, downtime_planned_seconds,
    downtime_unplanned_seconds)
SELECT organization_id, bucket_day, plant_id, sum(shifts), sum(scheduled_seconds),
    sum(break_seconds), sum(planned_stop_seconds), sum(breakdown_seconds),
    sum(setup_seconds), sum(minor_stop_seconds), sum(ideal_run_seconds), sum(good_count),
    sum(scrap_count), sum(rework_count), sum(quality_rejected_count), sum(count_reports),
    sum(logged_good), sum(logged_scrap), sum(logged_rework), sum(logged_ideal_seconds),
    sum(downtimes), sum(downtime_planned_seconds), sum(downtime_unplanned_seconds)
FROM reporting.production_daily
GROUP BY organization_id, bucket_day, plant_id;
ALTER TABLE reporting.production_daily FORCE ROW LEVEL SECURITY;
ALTER TABLE reporting.production_plant_daily FORCE ROW LEVEL SECURITY;

-- The plants a rebuild acts on also include those with work-order facts or measured
-- values only (0007's rollups); everything 0006 unioned stays.
CREATE POLICY work_order_daily_plants_of_organization ON reporting.work_order_daily
    FOR SELECT TO unison_owner USING (organization_id = app.current_org());
CREATE POLICY spc_daily_plants_of_organization ON reporting.spc_daily
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
        UNION
        SELECT plant_id FROM reporting.inventory_plant_daily
        WHERE organization_id = app.current_org()
        UNION
        SELECT plant_id FROM reporting.work_order_daily
        WHERE organization_id = app.current_org()
        UNION
        SELECT plant_id FROM reporting.spc_daily
        WHERE organization_id = app.current_org()
    ) p
    $$;
