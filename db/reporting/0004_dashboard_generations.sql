-- Freshness of the cached dashboards: one counter per organization, plant and day, bumped
-- in the transaction of every fact (or rebuild) that changes that day's rollups. A cached
-- dashboard's key carries the sum of the counters over its plants and days; counters only
-- grow and rows are never deleted, so any change in the range yields a key never used
-- before, and a change outside it leaves the key (and the cached answer) alone.
CREATE TABLE reporting.dashboard_generations (
    organization_id uuid   NOT NULL,
    plant_id        uuid   NOT NULL,
    day             date   NOT NULL,   -- UTC day or production day the change landed in
    generation      bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (organization_id, plant_id, day)
);

ALTER TABLE reporting.dashboard_generations ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporting.dashboard_generations FORCE ROW LEVEL SECURITY;
CREATE POLICY dashboard_generations_tenant ON reporting.dashboard_generations
    USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))
    WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id));
-- No DELETE: a counter that went away would let an old key come back.
GRANT SELECT, INSERT, UPDATE ON reporting.dashboard_generations TO unison_reporting;
