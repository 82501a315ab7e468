-- Replenishment and cycle counts: a max stock level beside the reorder point, the set of
-- material/plants currently below their reorder point (so the hourly check raises one
-- event per crossing, not one per hour), and cycle count sheets whose differences are
-- posted as goods movements 701 (surplus) and 702 (deficit).

-- ---------------------------------------------------------------- reorder point planning

-- Min/max: the reorder point is the min (SAP MARC-MINBE), max_stock the level an order
-- fills up to (MARC-MABST). NULL: no max, an order covers the gap to the reorder point.
ALTER TABLE inventory.material_plants
    ADD COLUMN max_stock numeric,
    ADD CONSTRAINT material_plants_max_stock_not_below_reorder_point
        CHECK (max_stock > 0 AND max_stock >= reorder_point);

-- Only a reorder point above zero plans a material: the check reads these rows only.
CREATE INDEX material_plants_reorder_planned ON inventory.material_plants
    (organization_id, plant_id, material_id) WHERE reorder_point > 0;

-- A material/plant has a row here while it is below its reorder point: the check adds
-- the row (and publishes) when it crosses below, and removes it (and publishes) when it
-- is back at or above, so each crossing is told once however often the check runs.
CREATE TABLE inventory.below_reorder_point (
    organization_id uuid NOT NULL,
    material_id     uuid NOT NULL,
    plant_id        uuid NOT NULL,
    below_since     timestamptz NOT NULL DEFAULT now(),
    -- What the check saw when it found the crossing.
    on_hand         numeric NOT NULL,
    reorder_point   numeric NOT NULL,
    PRIMARY KEY (organization_id, material_id, plant_id),
    -- Derived state: it goes with the material (which cannot go while it has stock).
    FOREIGN KEY (organization_id, material_id)
        REFERENCES inventory.materials (organization_id, id) ON DELETE CASCADE
);
-- The list, longest below first, for the organization and per plant.
CREATE INDEX below_reorder_point_since ON inventory.below_reorder_point
    (organization_id, below_since, material_id, plant_id);
CREATE INDEX below_reorder_point_plant ON inventory.below_reorder_point
    (organization_id, plant_id, below_since, material_id);

-- The hourly check acts for the whole organization, but jobs carry no plants and RLS
-- hides plant rows without them. This function tells the job which plants to scope its
-- transaction to: the organization's plants with planned materials or open crossings,
-- and nothing else (no quantities, no other organization). It runs as the owner, whose
-- forced RLS allows exactly these reads (the policies below).
CREATE POLICY material_plants_schedule_read ON inventory.material_plants
    FOR SELECT TO unison_owner USING (organization_id = app.current_org());

CREATE FUNCTION inventory.reorder_point_plants() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    -- A skip scan over the partial index: one probe per plant, not one row per material.
    WITH RECURSIVE planned (plant_id) AS (
        (SELECT plant_id FROM inventory.material_plants
         WHERE organization_id = app.current_org() AND reorder_point > 0
         ORDER BY plant_id LIMIT 1)
        UNION ALL
        SELECT (SELECT p.plant_id FROM inventory.material_plants p
                WHERE p.organization_id = app.current_org() AND p.reorder_point > 0
                  AND p.plant_id > planned.plant_id
                ORDER BY p.plant_id LIMIT 1)
        FROM planned WHERE planned.plant_id IS NOT NULL
    )
    SELECT plant_id FROM planned WHERE plant_id IS NOT NULL
    UNION
    SELECT plant_id FROM inventory.below_reorder_point WHERE organization_id = app.current_org()
    $$;
REVOKE ALL ON FUNCTION inventory.reorder_point_plants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION inventory.reorder_point_plants() TO unison_inventory;

-- ---------------------------------------------------------------- cycle counts

-- A count sheet (SAP physical inventory document) for one plant. Its lines freeze the
-- book quantity when it is made; counts are entered per line, lines out of tolerance may
-- be recounted, and posting books the differences as 701/702 in the same transaction.
CREATE TABLE inventory.cycle_counts (
    organization_id     uuid NOT NULL,
    id                  uuid NOT NULL DEFAULT app.uuid7(),
    plant_id            uuid NOT NULL,
    reference           text CHECK (length(reference) BETWEEN 1 AND 100),
    status              text NOT NULL DEFAULT 'open' CHECK (status IN
                            ('open', 'counted', 'recount_requested', 'posted', 'cancelled')),
    -- A difference is out of tolerance when it exceeds every limit given.
    tolerance_percent   numeric CHECK (tolerance_percent BETWEEN 0 AND 100),
    tolerance_quantity  numeric CHECK (tolerance_quantity >= 0),
    -- How the sheet was chosen (the lines are what it counts).
    location_ids        uuid[] NOT NULL DEFAULT '{}',
    material_ids        uuid[] NOT NULL DEFAULT '{}',
    line_count          integer NOT NULL CHECK (line_count BETWEEN 1 AND 1000),
    uncounted_lines     integer NOT NULL,
    posting_date        date,
    surplus_movement_id uuid,
    deficit_movement_id uuid,
    version             integer NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at          timestamptz NOT NULL DEFAULT now(),
    created_by          text NOT NULL DEFAULT app.current_user_id(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    updated_by          text NOT NULL DEFAULT app.current_user_id(),
    posted_at           timestamptz,
    posted_by           text,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, surplus_movement_id)
        REFERENCES inventory.goods_movements (organization_id, id),
    FOREIGN KEY (organization_id, deficit_movement_id)
        REFERENCES inventory.goods_movements (organization_id, id),
    CONSTRAINT cycle_counts_uncounted_within CHECK (uncounted_lines BETWEEN 0 AND line_count),
    CONSTRAINT cycle_counts_counted_means_complete
        CHECK (status NOT IN ('counted', 'posted') OR uncounted_lines = 0),
    CONSTRAINT cycle_counts_counting_means_incomplete
        CHECK (status NOT IN ('open', 'recount_requested') OR uncounted_lines > 0),
    CONSTRAINT cycle_counts_posted_when_posted
        CHECK ((status = 'posted') = (posted_at IS NOT NULL AND posting_date IS NOT NULL))
);
-- The list (newest first), filtered by plant or by status.
CREATE INDEX cycle_counts_plant ON inventory.cycle_counts (organization_id, plant_id, id);
CREATE INDEX cycle_counts_status ON inventory.cycle_counts (organization_id, status, id);

CREATE TABLE inventory.cycle_count_lines (
    organization_id           uuid NOT NULL,
    cycle_count_id            uuid NOT NULL,
    line_no                   integer NOT NULL CHECK (line_no BETWEEN 1 AND 1000),
    plant_id                  uuid NOT NULL,
    material_id               uuid NOT NULL,
    location_id               uuid NOT NULL,
    lot                       text NOT NULL DEFAULT '' CHECK (length(lot) <= 40),
    -- The book quantity (base unit) frozen when the sheet was made.
    book_quantity             numeric NOT NULL,
    counted_quantity          numeric CHECK (counted_quantity >= 0),
    -- The book quantity when the count was entered: what the count is compared with, so
    -- stock moved between freezing and counting is not counted as a difference.
    book_at_count             numeric,
    counted_at                timestamptz,
    counted_by                text,
    difference                numeric GENERATED ALWAYS AS (counted_quantity - book_at_count) STORED,
    -- 1 for the first count, +1 per recount; the count a recount replaced is kept.
    count_round               integer NOT NULL DEFAULT 1 CHECK (count_round >= 1),
    previous_counted_quantity numeric,
    -- Until the sheet is posted or cancelled; an item is on one active sheet at a time,
    -- or two sheets would each book the same difference.
    active                    boolean NOT NULL DEFAULT true,
    PRIMARY KEY (organization_id, cycle_count_id, line_no),
    FOREIGN KEY (organization_id, cycle_count_id)
        REFERENCES inventory.cycle_counts (organization_id, id),
    FOREIGN KEY (organization_id, material_id) REFERENCES inventory.materials (organization_id, id),
    FOREIGN KEY (organization_id, plant_id, location_id)
        REFERENCES inventory.storage_locations (organization_id, plant_id, id),
    CONSTRAINT cycle_count_lines_count_complete CHECK (
        (counted_quantity IS NULL) = (counted_at IS NULL)
        AND (counted_at IS NULL) = (book_at_count IS NULL)
        AND (counted_at IS NULL) = (counted_by IS NULL))
);
CREATE UNIQUE INDEX cycle_count_lines_one_active_sheet ON inventory.cycle_count_lines
    (organization_id, material_id, plant_id, location_id, lot) WHERE active;
-- The foreign key to materials is checked when a material goes away.
CREATE INDEX cycle_count_lines_material ON inventory.cycle_count_lines
    (organization_id, material_id);

-- ---------------------------------------------------------------- tenancy and grants

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['below_reorder_point', 'cycle_counts', 'cycle_count_lines'] LOOP
        EXECUTE format('ALTER TABLE inventory.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE inventory.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON inventory.%I'
            ' USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))'
            ' WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id))',
            t || '_tenant', t);
    END LOOP;
END
$$;
CREATE POLICY below_reorder_point_schedule_read ON inventory.below_reorder_point
    FOR SELECT TO unison_owner USING (organization_id = app.current_org());

-- The crossing state is added and removed, never edited; sheets and their lines change
-- status and counts but are never deleted (a sheet is cancelled instead).
GRANT SELECT, INSERT, DELETE ON inventory.below_reorder_point TO unison_inventory;
GRANT SELECT, INSERT, UPDATE ON inventory.cycle_counts, inventory.cycle_count_lines
    TO unison_inventory;

-- Every hour, one check per organization in the inventory worker. The check is
-- idempotent (a crossing already recorded is not told again), so a retry is harmless.
SELECT cron.schedule(
    'inventory-reorder-point-check',
    '41 * * * *',
    $$SELECT bus.enqueue_for_all_organizations('inventory', 'inventory.reorder_point_check', '{}', 3)$$
);
