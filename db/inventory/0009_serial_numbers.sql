-- Serial numbers (SAP serial number profile): a serial-managed material names the serial of
-- every piece it posts. Where a serial is now is kept per serial; its history is the
-- ledger itself (the lines that name it).

ALTER TABLE inventory.materials
    ADD COLUMN serial_managed boolean NOT NULL DEFAULT false;

-- One row per serial of a material, at the organization's level: a serial moves between
-- plants, as a lot does. A serial not in stock (issued, delivered, scrapped) keeps the
-- place it left, and comes back in with a receipt (a return, a reversal).
CREATE TABLE inventory.serial_numbers (
    organization_id  uuid NOT NULL,
    material_id      uuid NOT NULL,
    -- As SAP's GERNR (extended to 30): a key on labels and in SAP.
    serial           text NOT NULL CHECK (serial ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{0,29}$'),
    plant_id         uuid NOT NULL,
    location_id      uuid NOT NULL,
    lot              text NOT NULL DEFAULT '' CHECK (length(lot) <= 40),
    category         text NOT NULL DEFAULT 'unrestricted'
                         CHECK (category IN ('unrestricted', 'quality', 'blocked')),
    in_stock         boolean NOT NULL,
    last_movement_id uuid NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, material_id, serial),
    FOREIGN KEY (organization_id, material_id) REFERENCES inventory.materials (organization_id, id)
);
-- The serials in stock at a location (or in a plant), in serial order.
CREATE INDEX serial_numbers_in_stock_at_location ON inventory.serial_numbers
    (organization_id, material_id, location_id, serial) WHERE in_stock;
CREATE INDEX serial_numbers_in_stock_in_plant ON inventory.serial_numbers
    (organization_id, material_id, plant_id, serial) WHERE in_stock;

ALTER TABLE inventory.serial_numbers ENABLE ROW LEVEL SECURITY;
ALTER TABLE inventory.serial_numbers FORCE ROW LEVEL SECURITY;
CREATE POLICY serial_numbers_tenant ON inventory.serial_numbers
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());

GRANT SELECT, INSERT, UPDATE ON inventory.serial_numbers TO unison_inventory;

-- The serials a ledger line moves (NULL: none), so a serial's history is read from the
-- ledger through the GIN index; only lines with serials are indexed.
ALTER TABLE inventory.goods_movement_lines
    ADD COLUMN serials text[] CHECK (serials IS NULL OR cardinality(serials) > 0);
CREATE INDEX goods_movement_lines_serials ON inventory.goods_movement_lines
    USING gin (serials) WHERE serials IS NOT NULL;
