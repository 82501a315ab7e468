-- Work orders: what to make, where and when; their operations, the components they
-- consume, every status change, and what they asked inventory to post.

-- Order numbers per organization: a counter row per kind, taken with an UPDATE, so two
-- orders created at once never share a number (gaps are possible: a refused create
-- gives its number back only by rolling back).
CREATE TABLE production.number_ranges (
    organization_id uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('work_order')),
    next_value      bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (organization_id, kind)
);

CREATE TABLE production.work_orders (
    organization_id    uuid NOT NULL,
    id                 uuid NOT NULL DEFAULT app.uuid7(),
    plant_id           uuid NOT NULL,
    number             text NOT NULL CHECK (number ~ '^[A-Za-z0-9_.-]{1,40}$'),
    material_id        uuid NOT NULL,
    quantity           numeric NOT NULL CHECK (quantity > 0),
    unit               text NOT NULL,
    routing_id         uuid,
    source             text NOT NULL CHECK (source IN ('manual', 'plan', 'sap')),
    status             text NOT NULL DEFAULT 'draft' CHECK (status IN
                           ('draft', 'released', 'in_progress', 'completed', 'closed',
                            'on_hold', 'cancelled')),
    -- Where an order on hold goes back to.
    held_from          text CHECK (held_from IN ('released', 'in_progress')),
    priority           integer NOT NULL DEFAULT 50 CHECK (priority BETWEEN 0 AND 99),
    release_at         timestamptz,
    due_at             timestamptz NOT NULL,
    -- Where the product is received (an inventory storage location) and under which lot.
    output_location_id uuid,
    output_lot         text CHECK (length(output_lot) BETWEEN 1 AND 40),
    good_quantity      numeric NOT NULL DEFAULT 0,
    scrap_quantity     numeric NOT NULL DEFAULT 0,
    scheduled_start    timestamptz,
    scheduled_end      timestamptz,
    actual_start       timestamptz,
    actual_end         timestamptz,
    sap_order_type     text,
    note               text CHECK (length(note) <= 2000),
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    created_by         text NOT NULL DEFAULT app.current_user_id(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    updated_by         text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, plant_id, id),
    UNIQUE (organization_id, number),
    FOREIGN KEY (organization_id, material_id) REFERENCES production.materials (organization_id, id),
    FOREIGN KEY (organization_id, plant_id, routing_id)
        REFERENCES production.routings (organization_id, plant_id, id),
    CHECK ((status = 'on_hold') = (held_from IS NOT NULL))
);
-- The lists: by plant and status in creation order, by due date for the planner, by
-- material.
CREATE INDEX work_orders_plant_status ON production.work_orders (organization_id, plant_id, status, id);
CREATE INDEX work_orders_due ON production.work_orders (organization_id, plant_id, due_at, id)
    WHERE status IN ('draft', 'released', 'in_progress', 'on_hold');
CREATE INDEX work_orders_material ON production.work_orders (organization_id, material_id, id);

-- The order's own copy of its routing: an order keeps the plan it was released with.
-- Quantities in the material's base unit.
CREATE TABLE production.work_order_operations (
    organization_id    uuid NOT NULL,
    work_order_id      uuid NOT NULL,
    operation_no       integer NOT NULL,
    plant_id           uuid NOT NULL,
    description        text NOT NULL,
    work_center_id     uuid NOT NULL,
    alternative_work_center_ids uuid[] NOT NULL DEFAULT '{}',
    setup_seconds      integer NOT NULL DEFAULT 0,
    cycle_seconds      numeric NOT NULL,
    predecessors       integer[] NOT NULL DEFAULT '{}',
    inspection_required boolean NOT NULL DEFAULT false,
    consumption        text NOT NULL DEFAULT 'backflush',
    reports_output     boolean NOT NULL DEFAULT false,
    status             text NOT NULL DEFAULT 'pending'
                           CHECK (status IN ('pending', 'setup', 'running', 'paused', 'completed')),
    -- Where it runs now (an alternative work center may have been chosen).
    active_work_center_id uuid,
    good_quantity      numeric NOT NULL DEFAULT 0,
    scrap_quantity     numeric NOT NULL DEFAULT 0,
    rework_quantity    numeric NOT NULL DEFAULT 0,
    started_at         timestamptz,
    finished_at        timestamptz,
    -- When the current phase (setup or run) began, and where a resume goes back to.
    phase_started_at   timestamptz,
    paused_from        text CHECK (paused_from IN ('setup', 'running')),
    -- Set by scheduling: the bar on the Gantt chart.
    scheduled_work_center_id uuid,
    scheduled_unit     integer,
    scheduled_start    timestamptz,
    scheduled_end      timestamptz,
    version            integer NOT NULL DEFAULT 1,
    PRIMARY KEY (organization_id, work_order_id, operation_no),
    FOREIGN KEY (organization_id, plant_id, work_order_id)
        REFERENCES production.work_orders (organization_id, plant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, plant_id, work_center_id)
        REFERENCES production.work_centers (organization_id, plant_id, id)
);
-- What runs (or ran last) on a work center: the shop-floor terminal and machine counts.
CREATE INDEX work_order_operations_active ON production.work_order_operations
    (organization_id, active_work_center_id) WHERE status IN ('setup', 'running', 'paused');
CREATE INDEX work_order_operations_scheduled ON production.work_order_operations
    (organization_id, scheduled_work_center_id, scheduled_start)
    WHERE scheduled_start IS NOT NULL;

-- Components: what the order consumes, from its BOM (or from SAP), each assigned to the
-- operation that consumes it. Quantities in the component's base unit; issued_quantity
-- counts what inventory posted for it (backflush or by hand).
CREATE TABLE production.work_order_components (
    organization_id   uuid NOT NULL,
    work_order_id     uuid NOT NULL,
    line_no           integer NOT NULL CHECK (line_no >= 1),
    plant_id          uuid NOT NULL,
    material_id       uuid NOT NULL,
    operation_no      integer NOT NULL,
    quantity          numeric NOT NULL CHECK (quantity > 0),
    unit              text NOT NULL,
    backflush         boolean NOT NULL,
    -- A by-product is received (531) in proportion to the good quantity, not consumed.
    by_product        boolean NOT NULL DEFAULT false,
    issue_location_id uuid,
    lot               text CHECK (length(lot) BETWEEN 1 AND 40),
    issued_quantity   numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, work_order_id, line_no),
    FOREIGN KEY (organization_id, plant_id, work_order_id)
        REFERENCES production.work_orders (organization_id, plant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, work_order_id, operation_no)
        REFERENCES production.work_order_operations (organization_id, work_order_id, operation_no)
        DEFERRABLE INITIALLY DEFERRED
);

-- Every status change of an order or an operation, who and when and why: the audit of
-- the state machine. Append-only.
CREATE TABLE production.status_changes (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    work_order_id   uuid NOT NULL,
    operation_no    integer,
    from_status     text,
    to_status       text NOT NULL,
    reason          text CHECK (length(reason) <= 500),
    changed_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    changed_by      text NOT NULL DEFAULT app.current_user_id(),
    request_id      text,
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX status_changes_order ON production.status_changes (organization_id, work_order_id, id);

-- What an order asked inventory to post (a confirmation's backflush and receipt), and
-- what came of it: inventory answers with inventory.production_posting.posted or .failed.
-- The failed ones are the shop floor's to-do list (SAP's COGI).
CREATE TABLE production.goods_postings (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL,
    plant_id        uuid NOT NULL,
    work_order_id   uuid NOT NULL,
    operation_no    integer NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'posted', 'failed')),
    request         jsonb NOT NULL,
    movement_ids    uuid[] NOT NULL DEFAULT '{}',
    error           text,
    requested_at    timestamptz NOT NULL DEFAULT now(),
    settled_at      timestamptz,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, plant_id, work_order_id)
        REFERENCES production.work_orders (organization_id, plant_id, id)
);
CREATE INDEX goods_postings_order ON production.goods_postings (organization_id, work_order_id, id);
CREATE INDEX goods_postings_open ON production.goods_postings (organization_id, plant_id, id)
    WHERE status <> 'posted';

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['work_orders', 'work_order_operations', 'work_order_components',
                             'status_changes', 'goods_postings'] LOOP
        EXECUTE format('ALTER TABLE production.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE production.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON production.%I'
            ' USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))'
            ' WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id))',
            t || '_tenant', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['number_ranges'] LOOP
        EXECUTE format('ALTER TABLE production.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE production.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON production.%I'
            ' USING (organization_id = app.current_org())'
            ' WITH CHECK (organization_id = app.current_org())',
            t || '_tenant', t);
    END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE ON production.number_ranges, production.work_orders,
    production.work_order_operations, production.work_order_components,
    production.goods_postings TO unison_production;
GRANT DELETE ON production.work_orders, production.work_order_operations,
    production.work_order_components TO unison_production;
GRANT SELECT, INSERT ON production.status_changes TO unison_production;
