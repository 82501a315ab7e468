-- Inventory facts and their rollups. Inventory publishes every posted goods movement
-- document (inventory.goods_movement.posted: signed quantity in the base unit and signed
-- value of each ledger line, and the earlier lines a back-dated posting restated);
-- reporting keeps each line as a fact (monthly partitions on the posting date) and, in
-- the same statement, adds it (or a restated value's change) to daily rollups per plant
-- and movement type (and per material), to the plant's current stock per material and
-- per lot. Stock value on any day is the running sum of the daily net values, so stock value,
-- turns and days of supply of any period are read from rollups; the lot ageing and the
-- average price come from the current stock. Reorder-point crossings and the material
-- master (for the material group filter) are kept as state: one row each, newest wins.

CREATE TABLE reporting.inventory_movement_facts (
    organization_id uuid NOT NULL,
    posting_date    date NOT NULL,
    movement_id     uuid NOT NULL,
    line_no         integer NOT NULL,     -- inventory's (older events: position, from 1)
    movement_type   text NOT NULL,
    plant_id        uuid NOT NULL,
    location_id     uuid NOT NULL,
    material_id     uuid NOT NULL,
    lot             text NOT NULL,        -- '' = none
    category        text NOT NULL,
    quantity        numeric NOT NULL,     -- signed, base unit (+ in, - out)
    value           numeric NOT NULL,     -- signed, as inventory valued it (or restated)
    reversal_of     uuid,
    event_id        uuid NOT NULL,
    occurred_at     timestamptz NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, posting_date, movement_id, line_no)
) PARTITION BY RANGE (posting_date);
CREATE INDEX inventory_movement_facts_time
    ON reporting.inventory_movement_facts USING brin (posting_date);
-- The rebuild recomputes a material's (and its lots') current stock from all its facts.
CREATE INDEX inventory_movement_facts_material
    ON reporting.inventory_movement_facts (organization_id, material_id, plant_id, posting_date);

SELECT partman.create_parent(
    p_parent_table := 'reporting.inventory_movement_facts',
    p_control := 'posting_date',
    p_type := 'native',
    p_interval := 'monthly',
    p_premake := 3
);
UPDATE partman.part_config SET infinite_time_partitions = true
WHERE parent_table = 'reporting.inventory_movement_facts';

-- Per posting day, plant and movement type: what the unfiltered dashboards read (a
-- stock value series sums a plant's days up to its end: days x types rows, not lines).
-- In: lines with quantity > 0; out: the others, as positive amounts.
CREATE TABLE reporting.inventory_plant_daily (
    organization_id uuid NOT NULL,
    bucket_day      date NOT NULL,
    plant_id        uuid NOT NULL,
    movement_type   text NOT NULL,
    documents       integer NOT NULL DEFAULT 0,
    lines           integer NOT NULL DEFAULT 0,
    quantity_in     numeric NOT NULL DEFAULT 0,
    quantity_out    numeric NOT NULL DEFAULT 0,
    value_in        numeric NOT NULL DEFAULT 0,
    value_out       numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, bucket_day, plant_id, movement_type)
);
CREATE INDEX inventory_plant_daily_plant
    ON reporting.inventory_plant_daily (organization_id, plant_id, bucket_day);

-- The same per material: what the material and material group filters read.
CREATE TABLE reporting.inventory_daily (
    organization_id uuid NOT NULL,
    bucket_day      date NOT NULL,
    plant_id        uuid NOT NULL,
    material_id     uuid NOT NULL,
    movement_type   text NOT NULL,
    lines           integer NOT NULL DEFAULT 0,
    quantity_in     numeric NOT NULL DEFAULT 0,
    quantity_out    numeric NOT NULL DEFAULT 0,
    value_in        numeric NOT NULL DEFAULT 0,
    value_out       numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, bucket_day, plant_id, material_id, movement_type)
);
CREATE INDEX inventory_daily_material
    ON reporting.inventory_daily (organization_id, material_id, plant_id, bucket_day);

-- The net flows per month (plant, and plant and material): the opening stock of a
-- period is the sum of the months before it and the days of its first month before it,
-- so a dashboard never sums a plant's whole history day by day.
CREATE TABLE reporting.inventory_plant_monthly (
    organization_id uuid NOT NULL,
    bucket_month    date NOT NULL,       -- the month's first day
    plant_id        uuid NOT NULL,
    lines           integer NOT NULL DEFAULT 0,
    net_quantity    numeric NOT NULL DEFAULT 0,
    net_value       numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, bucket_month, plant_id)
);
CREATE TABLE reporting.inventory_monthly (
    organization_id uuid NOT NULL,
    bucket_month    date NOT NULL,
    plant_id        uuid NOT NULL,
    material_id     uuid NOT NULL,
    lines           integer NOT NULL DEFAULT 0,
    net_quantity    numeric NOT NULL DEFAULT 0,
    net_value       numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, bucket_month, plant_id, material_id)
);
CREATE INDEX inventory_monthly_material
    ON reporting.inventory_monthly (organization_id, material_id, bucket_month);

-- A material's stock in a plant now (every location, lot and category): the sum of its
-- facts. Its value over its quantity is the moving average price lots are valued at.
CREATE TABLE reporting.inventory_material_stock (
    organization_id uuid NOT NULL,
    plant_id        uuid NOT NULL,
    material_id     uuid NOT NULL,
    lines           integer NOT NULL DEFAULT 0,
    quantity        numeric NOT NULL DEFAULT 0,
    value           numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, plant_id, material_id)
);

-- A lot's stock in a plant now, and the first day stock of it came into the plant (its
-- age). Lines without a lot are not here.
CREATE TABLE reporting.inventory_lot_stock (
    organization_id uuid NOT NULL,
    plant_id        uuid NOT NULL,
    material_id     uuid NOT NULL,
    lot             text NOT NULL,
    lines           integer NOT NULL DEFAULT 0,
    quantity        numeric NOT NULL DEFAULT 0,
    first_received  date,
    PRIMARY KEY (organization_id, plant_id, material_id, lot)
);
CREATE INDEX inventory_lot_stock_in_stock
    ON reporting.inventory_lot_stock (organization_id, plant_id, first_received)
    WHERE quantity > 0;

-- The material master as inventory last told it (highest version): the group filter.
-- Organization-wide, like inventory's materials.
CREATE TABLE reporting.inventory_materials (
    organization_id uuid NOT NULL,
    material_id     uuid NOT NULL,
    number          text NOT NULL,
    material_group  text,
    base_unit       text NOT NULL,
    version         integer NOT NULL,
    deleted         boolean NOT NULL DEFAULT false,
    PRIMARY KEY (organization_id, material_id)
);
CREATE INDEX inventory_materials_group
    ON reporting.inventory_materials (organization_id, material_group, material_id);

-- A material's reorder-point state in a plant: the newest crossing event (occurred_at,
-- then event id) wins, so an older one arriving late changes nothing.
CREATE TABLE reporting.inventory_below_reorder (
    organization_id    uuid NOT NULL,
    plant_id           uuid NOT NULL,
    material_id        uuid NOT NULL,
    below              boolean NOT NULL,
    material_number    text NOT NULL,
    unit               text NOT NULL,
    on_hand            numeric NOT NULL,
    reorder_point      numeric,
    safety_stock       numeric,
    suggested_quantity numeric,
    below_since        timestamptz NOT NULL,
    event_id           uuid NOT NULL,
    occurred_at        timestamptz NOT NULL,
    PRIMARY KEY (organization_id, plant_id, material_id)
);
CREATE INDEX inventory_below_reorder_list
    ON reporting.inventory_below_reorder (organization_id, below_since, plant_id, material_id)
    WHERE below;

-- Freshness of the cached inventory dashboards, as reporting.dashboard_generations is for
-- production's: a counter per organization, plant and posting day, bumped by every fact
-- in its transaction. Kept apart so stock movements never evict OEE answers. A stock
-- dashboard depends on every day up to its end (a running sum), so its key sums the
-- counters of all days up to it; a movements dashboard only those of its days.
CREATE TABLE reporting.inventory_generations (
    organization_id uuid   NOT NULL,
    plant_id        uuid   NOT NULL,
    day             date   NOT NULL,
    generation      bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (organization_id, plant_id, day)
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['inventory_movement_facts', 'inventory_plant_daily',
            'inventory_daily', 'inventory_plant_monthly', 'inventory_monthly',
            'inventory_material_stock', 'inventory_lot_stock',
            'inventory_below_reorder', 'inventory_generations'] LOOP
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
ALTER TABLE reporting.inventory_materials ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporting.inventory_materials FORCE ROW LEVEL SECURITY;
CREATE POLICY inventory_materials_tenant ON reporting.inventory_materials
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());

GRANT SELECT, INSERT ON reporting.inventory_movement_facts TO unison_reporting;
-- A line's value only: a back-dated posting restates earlier lines' values.
GRANT UPDATE (value, event_id, occurred_at, received_at)
    ON reporting.inventory_movement_facts TO unison_reporting;
GRANT SELECT, INSERT, UPDATE, DELETE ON reporting.inventory_plant_daily,
    reporting.inventory_daily, reporting.inventory_plant_monthly, reporting.inventory_monthly,
    reporting.inventory_material_stock,
    reporting.inventory_lot_stock TO unison_reporting;
GRANT SELECT, INSERT, UPDATE ON reporting.inventory_materials,
    reporting.inventory_below_reorder TO unison_reporting;
-- No DELETE: a counter that went away would let an old key come back.
GRANT SELECT, INSERT, UPDATE ON reporting.inventory_generations TO unison_reporting;

SELECT pgmq.bind_topic('inventory.goods_movement.posted', 'reporting_events');
SELECT pgmq.bind_topic('inventory.material.created', 'reporting_events');
SELECT pgmq.bind_topic('inventory.material.changed', 'reporting_events');
SELECT pgmq.bind_topic('inventory.material.deleted', 'reporting_events');
SELECT pgmq.bind_topic('inventory.stock.below_reorder_point', 'reporting_events');
SELECT pgmq.bind_topic('inventory.stock.reorder_point_recovered', 'reporting_events');

-- The plants a rebuild acts on include those with stock movements only.
CREATE POLICY inventory_plant_daily_plants_of_organization ON reporting.inventory_plant_daily
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
    ) p
    $$;
