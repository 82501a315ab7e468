-- Inventory master data: units of measure, materials, their alternative units (SAP MARM)
-- and plant data (SAP MARC), an audit log and idempotency keys.
--
-- Every tenant table leads its primary and foreign keys with organization_id (ready for
-- distribution by tenant) and has RLS enabled and FORCED: with no organization set in
-- the transaction, app.current_org() is NULL, so reads see no rows and writes fail.

CREATE SCHEMA inventory AUTHORIZATION unison_owner;
GRANT USAGE ON SCHEMA inventory TO unison_inventory;

-- Units of measure per organization. 1 unit = factor_numerator / factor_denominator of
-- its dimension's reference unit, kept as a ratio of exact numerics so conversions stay
-- exact (1 LB = 45359237/100000000 KG). Packaging units (BOX, PAL) have no global factor:
-- how many pieces are in a box depends on the material (material_units).
CREATE TABLE inventory.units (
    organization_id    uuid NOT NULL,
    code               text NOT NULL CHECK (code ~ '^[A-Z0-9_%-]{1,10}$'),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    dimension          text NOT NULL CHECK (dimension IN
                           ('count', 'mass', 'length', 'area', 'volume', 'time', 'package')),
    factor_numerator   numeric CHECK (factor_numerator > 0),
    factor_denominator numeric CHECK (factor_denominator > 0),
    version            integer NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at         timestamptz NOT NULL DEFAULT now(),
    created_by         text NOT NULL DEFAULT app.current_user_id(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    updated_by         text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, code),
    CONSTRAINT units_factor_complete
        CHECK ((factor_numerator IS NULL) = (factor_denominator IS NULL)),
    CONSTRAINT units_factor_unless_package
        CHECK ((dimension = 'package') = (factor_numerator IS NULL))
);

CREATE TABLE inventory.materials (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    -- Up to 40 characters like SAP's MATNR_LONG; stored trimmed, unique ignoring case.
    number          text NOT NULL CHECK (number = btrim(number) AND length(number) BETWEEN 1 AND 40),
    number_key      text COLLATE "C" GENERATED ALWAYS AS (lower(number)) STORED,
    description     text NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
    type            text NOT NULL CHECK (type IN
                        ('raw', 'semi_finished', 'finished', 'consumable', 'spare')),
    base_unit       text NOT NULL,
    material_group  text CHECK (length(material_group) BETWEEN 1 AND 20),
    gross_weight    numeric CHECK (gross_weight >= 0),
    net_weight      numeric CHECK (net_weight >= 0),
    weight_unit     text,
    length          numeric CHECK (length >= 0),
    width           numeric CHECK (width >= 0),
    height          numeric CHECK (height >= 0),
    dimension_unit  text,
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
    version         integer NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT app.current_user_id(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, base_unit) REFERENCES inventory.units (organization_id, code),
    FOREIGN KEY (organization_id, weight_unit) REFERENCES inventory.units (organization_id, code),
    FOREIGN KEY (organization_id, dimension_unit)
        REFERENCES inventory.units (organization_id, code),
    CONSTRAINT materials_weight_has_unit
        CHECK ((gross_weight IS NULL AND net_weight IS NULL) OR weight_unit IS NOT NULL),
    CONSTRAINT materials_net_within_gross CHECK (net_weight <= gross_weight),
    CONSTRAINT materials_dimensions_have_unit
        CHECK ((length IS NULL AND width IS NULL AND height IS NULL) OR dimension_unit IS NOT NULL)
);

-- Uniqueness and the number sort orders (both directions) and number-prefix search.
CREATE UNIQUE INDEX materials_number_key ON inventory.materials (organization_id, number_key);
CREATE INDEX materials_created ON inventory.materials (organization_id, created_at, id);
CREATE INDEX materials_updated ON inventory.materials (organization_id, updated_at, id);
-- List filters, each in the default (number) order.
CREATE INDEX materials_type ON inventory.materials (organization_id, type, number_key);
CREATE INDEX materials_status ON inventory.materials (organization_id, status, number_key);
CREATE INDEX materials_base_unit ON inventory.materials (organization_id, base_unit, number_key);
CREATE INDEX materials_group ON inventory.materials (organization_id, material_group, number_key)
    WHERE material_group IS NOT NULL;
-- Foreign keys to units are checked when a unit goes away: keep those lookups indexed.
CREATE INDEX materials_weight_unit ON inventory.materials (organization_id, weight_unit)
    WHERE weight_unit IS NOT NULL;
CREATE INDEX materials_dimension_unit ON inventory.materials (organization_id, dimension_unit)
    WHERE dimension_unit IS NOT NULL;
-- Description search: substring (ILIKE) and word similarity (<%), both served by trigrams.
CREATE INDEX materials_description_trgm ON inventory.materials
    USING gin (description public.gin_trgm_ops);

-- Alternative units of a material, as SAP's MARM: 1 unit = numerator / denominator base units.
CREATE TABLE inventory.material_units (
    organization_id uuid NOT NULL,
    material_id     uuid NOT NULL,
    unit            text NOT NULL,
    numerator       numeric NOT NULL CHECK (numerator > 0),
    denominator     numeric NOT NULL CHECK (denominator > 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT app.current_user_id(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, material_id, unit),
    FOREIGN KEY (organization_id, material_id)
        REFERENCES inventory.materials (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, unit) REFERENCES inventory.units (organization_id, code)
);
CREATE INDEX material_units_unit ON inventory.material_units (organization_id, unit);

-- Plant data of a material (SAP MARC). Plants belong to the identity schema: plant_id is
-- a reference by value, and a user limited to some plants sees only those rows.
CREATE TABLE inventory.material_plants (
    organization_id          uuid NOT NULL,
    material_id              uuid NOT NULL,
    plant_id                 uuid NOT NULL,
    procurement_type         text NOT NULL CHECK (procurement_type IN ('make', 'buy')),
    reorder_point            numeric NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
    safety_stock             numeric NOT NULL DEFAULT 0 CHECK (safety_stock >= 0),
    -- Fixed lot size in the base unit; NULL means lot-for-lot.
    lot_size                 numeric CHECK (lot_size > 0),
    lead_time_days           integer NOT NULL DEFAULT 0 CHECK (lead_time_days BETWEEN 0 AND 3650),
    -- A storage location code until storage locations become their own table.
    default_storage_location text CHECK (length(default_storage_location) BETWEEN 1 AND 20),
    version                  integer NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at               timestamptz NOT NULL DEFAULT now(),
    created_by               text NOT NULL DEFAULT app.current_user_id(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    updated_by               text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, material_id, plant_id),
    -- No cascade: deleting a material must not silently remove plant data in plants the
    -- caller cannot see (the delete fails instead).
    FOREIGN KEY (organization_id, material_id) REFERENCES inventory.materials (organization_id, id)
);
-- The plant_id list filter and "materials of a plant".
CREATE INDEX material_plants_plant ON inventory.material_plants (organization_id, plant_id, material_id);

-- Who changed what, when. Partitioned by month (pg_partman); the partition key is part of
-- the primary key because PostgreSQL requires it for unique constraints on partitions.
CREATE TABLE inventory.audit_log (
    organization_id uuid NOT NULL,
    -- clock_timestamp, not now(): several changes in one transaction keep their order.
    occurred_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    id              uuid NOT NULL DEFAULT app.uuid7(),
    actor           text NOT NULL,
    entity          text NOT NULL CHECK (entity IN
                        ('unit', 'material', 'material_unit', 'material_plant')),
    entity_id       text NOT NULL,
    -- The material a row belongs to (for a material's history) and its plant, if any.
    material_id     uuid,
    plant_id        uuid,
    action          text NOT NULL CHECK (action IN ('created', 'updated', 'deleted')),
    -- {"field": {"before": ..., "after": ...}} for the fields that changed.
    changes         jsonb NOT NULL,
    request_id      text,
    PRIMARY KEY (organization_id, occurred_at, id)
) PARTITION BY RANGE (occurred_at);
CREATE INDEX audit_log_material ON inventory.audit_log (organization_id, material_id, occurred_at, id)
    WHERE material_id IS NOT NULL;

SELECT partman.create_parent(
    p_parent_table := 'inventory.audit_log',
    p_control := 'occurred_at',
    p_type := 'native',
    p_interval := 'monthly',
    p_premake := 3
);

-- A retried POST with the same key returns the stored first response instead of creating
-- again. Rows are claimed at the start of the creating transaction, so a concurrent retry
-- waits for the first to commit and then reads its response.
CREATE TABLE inventory.idempotency_keys (
    organization_id     uuid NOT NULL,
    key                 text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_fingerprint text NOT NULL,
    response_status     integer,
    response_body       jsonb,
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, key)
);
-- The hourly clean-up spans organizations by design; it looks up by age only.
CREATE INDEX idempotency_keys_created ON inventory.idempotency_keys (created_at);

-- Row-level security: the organization of the transaction, and for plant data also the
-- plants of the token.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['units', 'materials', 'material_units', 'audit_log',
                             'idempotency_keys', 'material_plants'] LOOP
        EXECUTE format('ALTER TABLE inventory.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE inventory.%I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
END
$$;

CREATE POLICY units_tenant ON inventory.units
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
CREATE POLICY materials_tenant ON inventory.materials
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
CREATE POLICY material_units_tenant ON inventory.material_units
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
CREATE POLICY material_plants_tenant ON inventory.material_plants
    USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))
    WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id));
-- Audit rows about a plant are as private as the plant's data.
CREATE POLICY audit_log_tenant ON inventory.audit_log
    USING (organization_id = app.current_org() AND (plant_id IS NULL OR app.plant_allowed(plant_id)))
    WITH CHECK (organization_id = app.current_org()
                AND (plant_id IS NULL OR app.plant_allowed(plant_id)));
CREATE POLICY idempotency_keys_tenant ON inventory.idempotency_keys
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
-- The clean-up job runs as the owner with no organization set; FORCE RLS applies to the
-- owner too, so it may see and delete expired keys, and nothing else.
CREATE POLICY idempotency_keys_expired_read ON inventory.idempotency_keys
    FOR SELECT TO unison_owner
    USING (created_at < now() - interval '24 hours');
CREATE POLICY idempotency_keys_expired_delete ON inventory.idempotency_keys
    FOR DELETE TO unison_owner
    USING (created_at < now() - interval '24 hours');

-- The runtime role gets exactly what the service does. Units are created, not yet
-- changed; the audit log is append-only; idempotency keys are claimed and completed.
GRANT SELECT, INSERT ON inventory.units TO unison_inventory;
GRANT SELECT, INSERT, UPDATE, DELETE
    ON inventory.materials, inventory.material_units, inventory.material_plants
    TO unison_inventory;
GRANT SELECT, INSERT ON inventory.audit_log TO unison_inventory;
GRANT SELECT, INSERT, UPDATE ON inventory.idempotency_keys TO unison_inventory;

SELECT cron.schedule(
    'inventory-idempotency-cleanup',
    '17 * * * *',
    $$DELETE FROM inventory.idempotency_keys WHERE created_at < now() - interval '24 hours'$$
);
