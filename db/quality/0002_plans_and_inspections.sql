-- Inspection plans (versioned, with characteristics and sampling), inspection lots with
-- their samples' results and decisions, the sampling switching state, and the read models
-- quality keeps of other services (materials, work orders).

CREATE TABLE quality.materials (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL,
    number          text NOT NULL,
    description     text NOT NULL,
    base_unit       text NOT NULL,
    version         integer NOT NULL,
    deleted         boolean NOT NULL DEFAULT false,
    PRIMARY KEY (organization_id, id)
);

-- Production's orders: which material an operation makes, in which lot (a final
-- inspection names the order's lot), at which work center.
CREATE TABLE quality.work_orders (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL,
    plant_id        uuid NOT NULL,
    number          text NOT NULL,
    material_id     uuid NOT NULL,
    quantity        numeric NOT NULL,
    output_lot      text,
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX work_orders_number ON quality.work_orders (organization_id, number);

-- Defect catalogue for attribute characteristics and NCRs.
CREATE TABLE quality.defect_codes (
    organization_id uuid NOT NULL,
    code            text NOT NULL CHECK (code ~ '^[A-Z0-9_.-]{1,20}$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    severity        text NOT NULL DEFAULT 'major' CHECK (severity IN ('critical', 'major', 'minor')),
    active          boolean NOT NULL DEFAULT true,
    PRIMARY KEY (organization_id, code)
);

-- A plan: for a material (optionally one operation, one supplier), at a trigger point,
-- with a sampling procedure; versioned like routings (released versions of one scope never
-- overlap). Characteristics are one document of the version.
CREATE TABLE quality.inspection_plans (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    material_id     uuid NOT NULL,
    trigger         text NOT NULL CHECK (trigger IN ('goods_receipt', 'operation_completion',
                                                     'final_inspection', 'periodic')),
    operation_no    integer,
    supplier        text CHECK (length(supplier) BETWEEN 1 AND 100),
    revision        integer NOT NULL CHECK (revision >= 1),
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'released', 'obsolete')),
    valid_from      date NOT NULL,
    valid_to        date,
    sampling        text NOT NULL CHECK (sampling IN ('aql', 'fixed', 'full')),
    aql             numeric,
    inspection_level text CHECK (inspection_level IN ('S-1', 'S-2', 'S-3', 'S-4', 'I', 'II', 'III')),
    sample_size     integer CHECK (sample_size >= 1),
    -- Periodic plans: every this many days, on the lots in stock.
    period_days     integer CHECK (period_days BETWEEN 1 AND 3650),
    characteristics jsonb NOT NULL CHECK (jsonb_typeof(characteristics) = 'array'),
    description     text CHECK (length(description) <= 500),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT app.current_user_id(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, plant_id, id),
    FOREIGN KEY (organization_id, material_id) REFERENCES quality.materials (organization_id, id),
    CHECK ((sampling = 'aql') = (aql IS NOT NULL AND inspection_level IS NOT NULL)),
    CHECK ((sampling = 'fixed') = (sample_size IS NOT NULL)),
    CHECK ((trigger = 'periodic') = (period_days IS NOT NULL)),
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    EXCLUDE USING gist (
        organization_id WITH =, plant_id WITH =, material_id WITH =, trigger WITH =,
        (coalesce(operation_no, -1)) WITH =, (coalesce(supplier, '')) WITH =,
        daterange(valid_from, valid_to, '[]') WITH &&
    ) WHERE (status = 'released')
);
CREATE INDEX inspection_plans_scope ON quality.inspection_plans
    (organization_id, material_id, plant_id, trigger) WHERE status = 'released';
CREATE INDEX inspection_plans_expiring ON quality.inspection_plans (organization_id, valid_to)
    WHERE status = 'released' AND valid_to IS NOT NULL;

-- The ISO 2859-1 switching state per plan scope (material + supplier): normal, tightened,
-- reduced, discontinued, with its counters (production.aql.switching's state).
CREATE TABLE quality.sampling_states (
    organization_id uuid NOT NULL,
    plant_id        uuid NOT NULL,
    material_id     uuid NOT NULL,
    supplier        text NOT NULL DEFAULT '',
    state           jsonb NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, plant_id, material_id, supplier)
);

CREATE TABLE quality.number_ranges (
    organization_id uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('inspection', 'ncr', 'capa')),
    next_value      bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (organization_id, kind)
);

-- Inspection lots: made from events (a receipt, an operation completion, a final receipt),
-- periodically, or by hand. source_key makes creation from an event idempotent.
CREATE TABLE quality.inspections (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    number          text NOT NULL,
    plan_id         uuid,
    material_id     uuid NOT NULL,
    lot             text,
    quantity        numeric NOT NULL CHECK (quantity > 0),
    unit            text NOT NULL,
    trigger         text NOT NULL CHECK (trigger IN ('goods_receipt', 'operation_completion',
                                                     'final_inspection', 'periodic', 'manual')),
    source_key      text,
    work_order_id   uuid,
    operation_no    integer,
    work_center_id  uuid,
    supplier        text,
    severity        text NOT NULL DEFAULT 'normal'
                        CHECK (severity IN ('normal', 'tightened', 'reduced', 'full')),
    sample_size     integer NOT NULL CHECK (sample_size >= 1),
    acceptance_number integer,
    rejection_number  integer,
    characteristics jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN
                        ('open', 'results_recorded', 'decided', 'cancelled')),
    -- The plan's verdict from the results: accept / reject / needs_review, and why.
    proposal        text CHECK (proposal IN ('accept', 'reject', 'needs_review')),
    proposal_rule   text,
    -- The quality engineer's usage decision.
    decision        text CHECK (decision IN ('accepted', 'rejected', 'partially_accepted')),
    accepted_quantity numeric,
    rejected_quantity numeric,
    decided_at      timestamptz,
    decided_by      text,
    decision_note   text CHECK (length(decision_note) <= 2000),
    lot_held        boolean NOT NULL DEFAULT false,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, plant_id, id),
    UNIQUE (organization_id, number),
    FOREIGN KEY (organization_id, plant_id, plan_id)
        REFERENCES quality.inspection_plans (organization_id, plant_id, id)
);
CREATE UNIQUE INDEX inspections_source ON quality.inspections (organization_id, source_key)
    WHERE source_key IS NOT NULL;
CREATE INDEX inspections_open ON quality.inspections (organization_id, plant_id, status, id)
    WHERE status IN ('open', 'results_recorded');
CREATE INDEX inspections_material ON quality.inspections (organization_id, material_id, id);
CREATE INDEX inspections_lot ON quality.inspections (organization_id, material_id, lot)
    WHERE lot IS NOT NULL;

-- Results: one row per sample and characteristic (a gauge or CMM sends thousands in one
-- call); partitioned by month like every time series; SPC reads them by characteristic.
CREATE TABLE quality.results (
    organization_id   uuid NOT NULL,
    measured_at       timestamptz NOT NULL,
    id                uuid NOT NULL DEFAULT app.uuid7(),
    plant_id          uuid NOT NULL,
    inspection_id     uuid NOT NULL,
    material_id       uuid NOT NULL,
    characteristic    text NOT NULL,
    sample_no         integer NOT NULL CHECK (sample_no >= 1),
    value             numeric,
    passed            boolean NOT NULL,
    defect_code       text,
    work_center_id    uuid,
    recorded_by       text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, measured_at, id)
) PARTITION BY RANGE (measured_at);
CREATE INDEX results_time ON quality.results USING brin (measured_at);
CREATE INDEX results_inspection ON quality.results (organization_id, inspection_id, characteristic, sample_no);
CREATE INDEX results_characteristic ON quality.results
    (organization_id, material_id, characteristic, measured_at);
SELECT partman.create_parent(
    p_parent_table := 'quality.results',
    p_control := 'measured_at',
    p_type := 'native',
    p_interval := 'monthly',
    p_premake := 3
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['inspection_plans', 'sampling_states', 'inspections', 'results',
                             'work_orders'] LOOP
        EXECUTE format('ALTER TABLE quality.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE quality.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON quality.%I'
            ' USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))'
            ' WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id))',
            t || '_tenant', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['materials', 'defect_codes', 'number_ranges'] LOOP
        EXECUTE format('ALTER TABLE quality.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE quality.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON quality.%I'
            ' USING (organization_id = app.current_org())'
            ' WITH CHECK (organization_id = app.current_org())',
            t || '_tenant', t);
    END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON quality.materials, quality.work_orders,
    quality.defect_codes, quality.inspection_plans, quality.sampling_states TO unison_quality;
GRANT SELECT, INSERT, UPDATE ON quality.number_ranges, quality.inspections TO unison_quality;
GRANT SELECT, INSERT ON quality.results TO unison_quality;
