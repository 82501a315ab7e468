-- Lot genealogy: which input lots went into which output lots, kept in the transaction of
-- every posting that issues to or receives from an order, so a trace (a recall) never
-- scans the ledger.
--
-- A lot is a material and a lot number, organization-wide: a lot keeps its identity when
-- it moves between locations or plants, so a trace follows it across plants. An order is a
-- plant and a header reference (the work order number): for one order, every input lot
-- issued to it went into every output lot received from it.

-- What each order took and gave, per material and lot, net of reversals, in the
-- material's base unit (positive = issued to it, received from it, delivered, scrapped).
-- Rows of the other side of an order are what a late issue or a late receipt is linked
-- with; deliveries and scrap are where a forward trace ends. A reversed-out row stays at
-- zero: it is cheaper than deleting it and the next posting may need it again.
CREATE TABLE inventory.lot_flows (
    organization_id uuid NOT NULL,
    plant_id        uuid NOT NULL,
    -- The header reference; '' for a delivery or scrap posted without one.
    reference       text NOT NULL CHECK (length(reference) <= 100),
    role            text NOT NULL CHECK (role IN ('input', 'output', 'delivery', 'scrap')),
    material_id     uuid NOT NULL,
    lot             text NOT NULL CHECK (length(lot) <= 40),
    quantity        numeric NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, plant_id, reference, role, material_id, lot),
    FOREIGN KEY (organization_id, material_id) REFERENCES inventory.materials (organization_id, id)
);
-- Where a lot went or came from beyond the links: its deliveries and scrap, the orders it
-- was issued to that produced nothing yet, the receipts with no recorded input.
CREATE INDEX lot_flows_lot ON inventory.lot_flows
    (organization_id, material_id, lot, role) INCLUDE (plant_id, reference, quantity)
    WHERE quantity > 0;

-- One link per order, input lot and output lot, with the order's net quantities of both.
-- Only links whose both sides are positive exist: a lot fully reversed out of an order did
-- not go into it. lot '' is a material without lots: linked so a recall still finds the
-- orders, never followed further (without a lot there is no identity to follow).
CREATE TABLE inventory.lot_links (
    organization_id    uuid NOT NULL,
    plant_id           uuid NOT NULL,
    order_reference    text NOT NULL CHECK (length(order_reference) BETWEEN 1 AND 100),
    input_material_id  uuid NOT NULL,
    input_lot          text NOT NULL,
    output_material_id uuid NOT NULL,
    output_lot         text NOT NULL,
    input_quantity     numeric NOT NULL CHECK (input_quantity > 0),
    output_quantity    numeric NOT NULL CHECK (output_quantity > 0),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, plant_id, order_reference, input_material_id, input_lot,
        output_material_id, output_lot),
    FOREIGN KEY (organization_id, input_material_id)
        REFERENCES inventory.materials (organization_id, id),
    FOREIGN KEY (organization_id, output_material_id)
        REFERENCES inventory.materials (organization_id, id)
);
-- One step of each trace direction: covering, so a step is an index-only scan once the
-- pages are all-visible.
CREATE INDEX lot_links_backward ON inventory.lot_links
    (organization_id, output_material_id, output_lot)
    INCLUDE (input_material_id, input_lot, plant_id, order_reference, input_quantity,
        output_quantity);
CREATE INDEX lot_links_forward ON inventory.lot_links
    (organization_id, input_material_id, input_lot)
    INCLUDE (output_material_id, output_lot, plant_id, order_reference, input_quantity,
        output_quantity);

-- Organization-scoped, not plant-scoped: a recall needs the whole picture, whichever plants
-- the lots passed through, so a user of one plant sees the genealogy through the others
-- (the documents and stock of those plants stay behind the ledger's plant policy).
ALTER TABLE inventory.lot_flows ENABLE ROW LEVEL SECURITY;
ALTER TABLE inventory.lot_flows FORCE ROW LEVEL SECURITY;
CREATE POLICY lot_flows_tenant ON inventory.lot_flows
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
ALTER TABLE inventory.lot_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE inventory.lot_links FORCE ROW LEVEL SECURITY;
CREATE POLICY lot_links_tenant ON inventory.lot_links
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());

-- DELETE: a link goes when its lot is reversed out; both for a rebuild from the ledger.
GRANT SELECT, INSERT, UPDATE, DELETE ON inventory.lot_flows, inventory.lot_links
    TO unison_inventory;
