-- What the first cut of the NCR, figures and periodic inspection code needed beyond 0003:
-- an NCR's disposition request (inventory answers by it), a CAPA's step history, the paths FPY and the defect
-- Pareto read, the lots quality knows to be in stock (periodic inspections re-test them),
-- and plants of NCRs and inspections for the daily jobs' scope.

-- Each disposition sent to inventory has its own id: a failed one is sent again under a
-- new id, so an answer to an old request is recognised and ignored.
ALTER TABLE quality.ncrs ADD COLUMN disposition_request_id uuid;
CREATE UNIQUE INDEX ncrs_disposition_request ON quality.ncrs (organization_id, disposition_request_id)
    WHERE disposition_request_id IS NOT NULL;

-- A CAPA's steps like an NCR's: who moved it where, when and why.
ALTER TABLE quality.capas ADD COLUMN step_history jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN updated_by text NOT NULL DEFAULT app.current_user_id();

-- The end of validity a plan was warned of (once; again when its end moves).
ALTER TABLE quality.inspection_plans ADD COLUMN expiry_warned_for date;

-- FPY by the day of the usage decision; the Pareto by the failed results of a period.
CREATE INDEX inspections_decided ON quality.inspections (organization_id, decided_at)
    WHERE status = 'decided';
CREATE INDEX results_failed ON quality.results (organization_id, measured_at)
    WHERE NOT passed;

-- Stock per lot as the posted goods movements tell it (lots only): periodic plans inspect
-- the lots of their material still in stock.
CREATE TABLE quality.lot_stock (
    organization_id uuid NOT NULL,
    plant_id        uuid NOT NULL,
    material_id     uuid NOT NULL,
    lot             text NOT NULL,
    quantity        numeric NOT NULL,
    unit            text NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, material_id, plant_id, lot)
);
CREATE INDEX lot_stock_in_stock ON quality.lot_stock (organization_id, material_id, plant_id)
    WHERE quantity > 0;
ALTER TABLE quality.lot_stock ENABLE ROW LEVEL SECURITY;
ALTER TABLE quality.lot_stock FORCE ROW LEVEL SECURITY;
CREATE POLICY lot_stock_tenant ON quality.lot_stock
    USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))
    WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id));
GRANT SELECT, INSERT, UPDATE ON quality.lot_stock TO unison_quality;

CREATE POLICY ncrs_plants_of_organization ON quality.ncrs FOR SELECT
    TO unison_owner USING (organization_id = app.current_org());
CREATE POLICY inspections_plants_of_organization ON quality.inspections FOR SELECT
    TO unison_owner USING (organization_id = app.current_org());
-- Inspections and NCRs grow without bound: their plants are read by a loose index scan
-- (one probe per plant of the (organization, plant, id) keys), not a scan of every row.
CREATE OR REPLACE FUNCTION quality.organization_plants() RETURNS uuid[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, quality
    AS $$
    WITH RECURSIVE
    inspection_plants AS (
        (SELECT plant_id FROM quality.inspections WHERE organization_id = app.current_org()
         ORDER BY plant_id LIMIT 1)
        UNION ALL
        SELECT (SELECT i.plant_id FROM quality.inspections i
                WHERE i.organization_id = app.current_org() AND i.plant_id > p.plant_id
                ORDER BY i.plant_id LIMIT 1)
        FROM inspection_plants p WHERE p.plant_id IS NOT NULL
    ),
    ncr_plants AS (
        (SELECT plant_id FROM quality.ncrs WHERE organization_id = app.current_org()
         ORDER BY plant_id LIMIT 1)
        UNION ALL
        SELECT (SELECT n.plant_id FROM quality.ncrs n
                WHERE n.organization_id = app.current_org() AND n.plant_id > p.plant_id
                ORDER BY n.plant_id LIMIT 1)
        FROM ncr_plants p WHERE p.plant_id IS NOT NULL
    )
    SELECT coalesce(array_agg(DISTINCT plant_id), '{}') FROM (
        SELECT plant_id FROM quality.inspection_plans WHERE organization_id = app.current_org()
        UNION SELECT plant_id FROM quality.capas WHERE organization_id = app.current_org()
        UNION SELECT plant_id FROM inspection_plants
        UNION SELECT plant_id FROM ncr_plants
    ) p
    WHERE plant_id IS NOT NULL
    $$;
