-- The first slice of the stock ledger: storage locations, goods movements (an append-only
-- ledger, partitioned by month) and on-hand balances kept in the same transaction.

-- A material may be allowed to go below zero on hand (backflushed consumables, say).
ALTER TABLE inventory.materials
    ADD COLUMN negative_stock_allowed boolean NOT NULL DEFAULT false;

-- Storage locations: a tree per plant (warehouse -> area -> bin). The parent is in the
-- same plant: the foreign key includes plant_id.
CREATE TABLE inventory.storage_locations (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    code            text NOT NULL CHECK (code ~ '^[A-Z0-9_.-]{1,20}$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    kind            text NOT NULL CHECK (kind IN ('warehouse', 'area', 'bin')),
    parent_id       uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, plant_id, id),
    UNIQUE (organization_id, plant_id, code),
    FOREIGN KEY (organization_id, plant_id, parent_id)
        REFERENCES inventory.storage_locations (organization_id, plant_id, id),
    CONSTRAINT storage_locations_warehouse_is_a_root
        CHECK ((kind = 'warehouse') = (parent_id IS NULL))
);
CREATE INDEX storage_locations_parent ON inventory.storage_locations
    (organization_id, plant_id, parent_id) WHERE parent_id IS NOT NULL;

-- A goods movement document (SAP material document header). One plant per document in
-- this slice (301, between plants, comes later), so the header is plant-scoped like its
-- lines. A document is reversed at most once: the unique index makes a second reversal
-- fail even when two race.
CREATE TABLE inventory.goods_movements (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    movement_type   text NOT NULL CHECK (movement_type IN
                        ('101', '102', '261', '262', '311', '312', '551', '552')),
    posting_date    date NOT NULL,
    reference       text CHECK (length(reference) BETWEEN 1 AND 100),
    reversal_of     uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, reversal_of)
        REFERENCES inventory.goods_movements (organization_id, id)
);
CREATE UNIQUE INDEX goods_movements_reversed_once ON inventory.goods_movements
    (organization_id, reversal_of) WHERE reversal_of IS NOT NULL;

-- The ledger: one row per line, never updated or deleted. Quantities are signed (+ into
-- the location, - out of it), in the material's base unit, and as entered. lot '' means
-- "no lot", so it can be part of the balance key.
CREATE TABLE inventory.goods_movement_lines (
    organization_id uuid NOT NULL,
    posting_date    date NOT NULL,
    movement_id     uuid NOT NULL,
    line_no         integer NOT NULL CHECK (line_no >= 0),
    movement_type   text NOT NULL,
    material_id     uuid NOT NULL,
    plant_id        uuid NOT NULL,
    location_id     uuid NOT NULL,
    lot             text NOT NULL DEFAULT '' CHECK (length(lot) <= 40),
    quantity        numeric NOT NULL CHECK (quantity <> 0),
    entry_quantity  numeric NOT NULL CHECK (entry_quantity <> 0),
    entry_unit      text NOT NULL,
    entered_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    entered_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, posting_date, movement_id, line_no),
    FOREIGN KEY (organization_id, movement_id)
        REFERENCES inventory.goods_movements (organization_id, id),
    FOREIGN KEY (organization_id, material_id) REFERENCES inventory.materials (organization_id, id),
    FOREIGN KEY (organization_id, plant_id, location_id)
        REFERENCES inventory.storage_locations (organization_id, plant_id, id),
    FOREIGN KEY (organization_id, entry_unit) REFERENCES inventory.units (organization_id, code)
) PARTITION BY RANGE (posting_date);
CREATE INDEX goods_movement_lines_movement ON inventory.goods_movement_lines
    (organization_id, movement_id);
CREATE INDEX goods_movement_lines_material ON inventory.goods_movement_lines
    (organization_id, material_id, plant_id, posting_date);

SELECT partman.create_parent(
    p_parent_table := 'inventory.goods_movement_lines',
    p_control := 'posting_date',
    p_type := 'native',
    p_interval := 'monthly',
    p_premake := 3
);

-- On hand per material, plant, location and lot, changed in the transaction of each
-- ledger line. negative_allowed is the material's flag, copied on every posting, so the
-- database itself refuses stock below zero.
CREATE TABLE inventory.stock_balances (
    organization_id  uuid NOT NULL,
    material_id      uuid NOT NULL,
    plant_id         uuid NOT NULL,
    location_id      uuid NOT NULL,
    lot              text NOT NULL DEFAULT '',
    quantity         numeric NOT NULL,
    negative_allowed boolean NOT NULL DEFAULT false,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, material_id, plant_id, location_id, lot),
    FOREIGN KEY (organization_id, material_id) REFERENCES inventory.materials (organization_id, id),
    FOREIGN KEY (organization_id, plant_id, location_id)
        REFERENCES inventory.storage_locations (organization_id, plant_id, id),
    CONSTRAINT stock_balances_not_negative CHECK (negative_allowed OR quantity >= 0)
);
CREATE INDEX stock_balances_location ON inventory.stock_balances
    (organization_id, plant_id, location_id);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['storage_locations', 'goods_movements', 'goods_movement_lines',
                             'stock_balances'] LOOP
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

-- A posting is never edited, it is reversed: the ledger is insert and select only.
GRANT SELECT, INSERT ON inventory.storage_locations, inventory.goods_movements,
    inventory.goods_movement_lines TO unison_inventory;
GRANT SELECT, INSERT, UPDATE ON inventory.stock_balances TO unison_inventory;
