-- Bills of materials (SAP CS, Odoo mrp.bom): a header per material, plant, usage,
-- alternative and revision, with its items.
--
-- A BOM version is a draft until released; a released version's content never changes
-- (like a posted document). Changing a BOM means a new revision from a later date: when it
-- is released, the version it replaces gets its validity closed where the new one starts
-- (valid_to is exclusive). Obsolete versions are withdrawn: never exploded, no longer part of the
-- non-overlap rule. The exclusion constraint is the last word on overlaps, even when two
-- releases race.
--
-- plant_id NULL is a BOM for every plant of the organization (SAP's group BOM, Odoo's BOM
-- without company); a plant's own BOM for the same usage takes precedence in that plant.
-- plant_key is the same thing without NULL, so it can take part in keys and constraints
-- (NULL never equals NULL, which would let two "all plants" versions overlap).

CREATE TABLE inventory.boms (
    organization_id    uuid NOT NULL,
    id                 uuid NOT NULL DEFAULT app.uuid7(),
    material_id        uuid NOT NULL,
    plant_id           uuid,
    plant_key          uuid NOT NULL GENERATED ALWAYS AS
                           (coalesce(plant_id, '00000000-0000-0000-0000-000000000000'::uuid)) STORED,
    -- SAP STLAN 1..6.
    usage              text NOT NULL CHECK (usage IN
                           ('production', 'engineering', 'universal', 'maintenance', 'sales',
                            'costing')),
    alternative        smallint NOT NULL CHECK (alternative BETWEEN 1 AND 99),
    -- 1, 2, 3 ... per material, plant, usage and alternative: the BOM's version number.
    revision           integer NOT NULL CHECK (revision > 0),
    status             text NOT NULL DEFAULT 'draft'
                           CHECK (status IN ('draft', 'released', 'obsolete')),
    valid_from         date NOT NULL,
    valid_to           date,
    -- Item quantities are per base_quantity of the header material, in base_unit; the same
    -- quantity in the material's base unit (material_base_unit at the time of saving) is
    -- kept exactly as the ratio base_num / base_den, so explosions never divide early.
    base_quantity      numeric NOT NULL CHECK (base_quantity > 0),
    base_unit          text NOT NULL,
    base_num           numeric NOT NULL CHECK (base_num > 0),
    base_den           numeric NOT NULL CHECK (base_den > 0),
    material_base_unit text NOT NULL,
    description        text CHECK (length(description) BETWEEN 1 AND 200),
    -- An engineering change number (SAP AENNR) the version was made under.
    change_number      text CHECK (length(change_number) BETWEEN 1 AND 40),
    version            integer NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at         timestamptz NOT NULL DEFAULT now(),
    created_by         text NOT NULL DEFAULT app.current_user_id(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    updated_by         text NOT NULL DEFAULT app.current_user_id(),
    released_at        timestamptz,
    released_by        text,
    PRIMARY KEY (organization_id, id),
    -- The target of the items' foreign key: an item is in the plant of its header.
    UNIQUE (organization_id, id, plant_key),
    UNIQUE (organization_id, material_id, plant_key, usage, alternative, revision),
    FOREIGN KEY (organization_id, material_id) REFERENCES inventory.materials (organization_id, id),
    FOREIGN KEY (organization_id, base_unit) REFERENCES inventory.units (organization_id, code),
    FOREIGN KEY (organization_id, material_base_unit)
        REFERENCES inventory.units (organization_id, code),
    CONSTRAINT boms_validity_not_empty CHECK (valid_to IS NULL OR valid_to > valid_from),
    CONSTRAINT boms_released_has_release
        CHECK ((status = 'draft') = (released_at IS NULL AND released_by IS NULL)),
    CONSTRAINT boms_released_versions_do_not_overlap EXCLUDE USING gist (
        organization_id WITH =,
        material_id WITH =,
        plant_key WITH =,
        usage WITH =,
        alternative WITH =,
        daterange(valid_from, valid_to) WITH &&
    ) WHERE (status = 'released')
);

-- The keyset lists (creation order, uuid7), unfiltered and by material or plant.
CREATE INDEX boms_material ON inventory.boms (organization_id, material_id, id);
CREATE INDEX boms_plant ON inventory.boms (organization_id, plant_key, id);
CREATE INDEX boms_status ON inventory.boms (organization_id, status, id);
-- Choosing the version to explode: a material's released BOMs by usage, plant, alternative
-- and date (also the downward walk of the cycle check).
CREATE INDEX boms_released ON inventory.boms
    (organization_id, material_id, usage, plant_key, alternative, valid_from)
    WHERE status = 'released';
CREATE INDEX boms_base_unit ON inventory.boms (organization_id, base_unit);
CREATE INDEX boms_material_base_unit ON inventory.boms (organization_id, material_base_unit);

-- Items. Quantities are positive: the category says whether the item is consumed (stock)
-- or comes out of the process (by_product), never the sign. phantom marks a phantom
-- assembly: exploded through, never issued itself. The item's quantity in the component's
-- base unit is kept exactly as base_num / base_den (component_base_unit when saved).
CREATE TABLE inventory.bom_items (
    organization_id     uuid NOT NULL,
    bom_id              uuid NOT NULL,
    plant_key           uuid NOT NULL,
    item_number         integer NOT NULL CHECK (item_number BETWEEN 1 AND 9999),
    component_id        uuid NOT NULL,
    category            text NOT NULL CHECK (category IN ('stock', 'by_product')),
    phantom             boolean NOT NULL DEFAULT false,
    quantity            numeric NOT NULL CHECK (quantity > 0),
    unit                text NOT NULL,
    base_num            numeric NOT NULL CHECK (base_num > 0),
    base_den            numeric NOT NULL CHECK (base_den > 0),
    component_base_unit text NOT NULL,
    -- Component scrap (SAP AUSCH): the requirement is quantity * (1 + scrap_percent / 100).
    scrap_percent       numeric NOT NULL DEFAULT 0
                            CHECK (scrap_percent >= 0 AND scrap_percent < 1000),
    -- The routing operation that consumes the component (production reads it).
    operation           text CHECK (length(operation) BETWEEN 1 AND 20),
    -- Within the header's validity; NULL = from the header's start / to its end.
    valid_from          date,
    valid_to            date,
    PRIMARY KEY (organization_id, bom_id, item_number),
    FOREIGN KEY (organization_id, bom_id, plant_key)
        REFERENCES inventory.boms (organization_id, id, plant_key) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, component_id)
        REFERENCES inventory.materials (organization_id, id),
    FOREIGN KEY (organization_id, unit) REFERENCES inventory.units (organization_id, code),
    FOREIGN KEY (organization_id, component_base_unit)
        REFERENCES inventory.units (organization_id, code),
    CONSTRAINT bom_items_phantom_is_stock CHECK (NOT phantom OR category = 'stock'),
    CONSTRAINT bom_items_by_product_without_scrap CHECK (category = 'stock' OR scrap_percent = 0),
    CONSTRAINT bom_items_validity_not_empty
        CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from)
);
-- Where-used (keyset by BOM and item), and the materials foreign key on delete.
CREATE INDEX bom_items_component ON inventory.bom_items
    (organization_id, component_id, bom_id, item_number);
CREATE INDEX bom_items_unit ON inventory.bom_items (organization_id, unit);
CREATE INDEX bom_items_component_base_unit ON inventory.bom_items
    (organization_id, component_base_unit);

ALTER TABLE inventory.boms ENABLE ROW LEVEL SECURITY;
ALTER TABLE inventory.boms FORCE ROW LEVEL SECURITY;
ALTER TABLE inventory.bom_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE inventory.bom_items FORCE ROW LEVEL SECURITY;

-- A BOM for all plants is visible to the whole organization; a plant's BOM only to those
-- with that plant in their token.
CREATE POLICY boms_tenant ON inventory.boms
    USING (organization_id = app.current_org()
           AND (plant_id IS NULL OR app.plant_allowed(plant_id)))
    WITH CHECK (organization_id = app.current_org()
                AND (plant_id IS NULL OR app.plant_allowed(plant_id)));
CREATE POLICY bom_items_tenant ON inventory.bom_items
    USING (organization_id = app.current_org()
           AND (plant_key = '00000000-0000-0000-0000-000000000000'::uuid
                OR app.plant_allowed(plant_key)))
    WITH CHECK (organization_id = app.current_org()
                AND (plant_key = '00000000-0000-0000-0000-000000000000'::uuid
                     OR app.plant_allowed(plant_key)));

-- The cycle check must see the whole organization's BOM graph, plants outside the
-- caller's token included: a user of plant A saving a BOM for all plants could otherwise
-- close a loop through plant B's BOM, and B's explosions would never end. The graph view
-- runs with its owner's rights, and the owner reads the current organization's BOMs in
-- every plant; the view shows which material uses which, nothing else.
CREATE POLICY boms_graph ON inventory.boms FOR SELECT TO unison_owner
    USING (organization_id = app.current_org());
CREATE POLICY bom_items_graph ON inventory.bom_items FOR SELECT TO unison_owner
    USING (organization_id = app.current_org());

CREATE VIEW inventory.bom_graph WITH (security_barrier) AS
SELECT b.organization_id, b.material_id AS parent_id, i.component_id
FROM inventory.boms b
JOIN inventory.bom_items i ON i.organization_id = b.organization_id AND i.bom_id = b.id
WHERE b.status = 'released' AND i.category = 'stock';

-- Drafts are edited and deleted; released versions are only ever re-stamped (status,
-- validity end, version), which the service alone decides.
GRANT SELECT, INSERT, UPDATE, DELETE ON inventory.boms, inventory.bom_items TO unison_inventory;
GRANT SELECT ON inventory.bom_graph TO unison_inventory;
