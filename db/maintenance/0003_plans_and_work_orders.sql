-- Preventive maintenance plans, maintenance work orders with their labour, parts and
-- history, and the failure code catalogue.

-- Problem / cause / remedy codes (what broke, why, what was done).
CREATE TABLE maintenance.failure_codes (
    organization_id uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('problem', 'cause', 'remedy')),
    code            text NOT NULL CHECK (code ~ '^[A-Z0-9_.-]{1,20}$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    active          boolean NOT NULL DEFAULT true,
    PRIMARY KEY (organization_id, kind, code)
);

-- A plan: calendar-based (every N days/weeks/months/years, on a fixed grid or floating
-- from the last completion), usage-based (every N units of a meter), or both (whichever
-- comes first). The task list (steps, checklist, duration, skills, spare parts) is one
-- document, copied into each work order it makes.
CREATE TABLE maintenance.pm_plans (
    organization_id   uuid NOT NULL,
    id                uuid NOT NULL DEFAULT app.uuid7(),
    plant_id          uuid NOT NULL,
    equipment_id      uuid NOT NULL,
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    calendar_interval integer CHECK (calendar_interval BETWEEN 1 AND 1000),
    calendar_unit     text CHECK (calendar_unit IN ('days', 'weeks', 'months', 'years')),
    calendar_mode     text CHECK (calendar_mode IN ('fixed', 'floating')),
    calendar_anchor   date,
    meter_id          uuid,
    usage_interval    numeric CHECK (usage_interval > 0),
    -- The meter's total usage when the current usage cycle began (the plan's start, then
    -- each completion).
    usage_anchor      numeric,
    usage_anchor_at   timestamptz,
    lead_time_days    integer NOT NULL DEFAULT 7 CHECK (lead_time_days BETWEEN 0 AND 365),
    machine_down      boolean NOT NULL DEFAULT true,
    tasks             jsonb NOT NULL DEFAULT '{}',
    estimated_minutes integer NOT NULL DEFAULT 60 CHECK (estimated_minutes BETWEEN 1 AND 100000),
    last_completed_on date,
    last_due_date     date,
    active            boolean NOT NULL DEFAULT true,
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    created_by        text NOT NULL DEFAULT app.current_user_id(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    updated_by        text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, plant_id, id),
    FOREIGN KEY (organization_id, plant_id, equipment_id)
        REFERENCES maintenance.equipment (organization_id, plant_id, id),
    FOREIGN KEY (organization_id, plant_id, meter_id)
        REFERENCES maintenance.meters (organization_id, plant_id, id),
    CHECK ((calendar_interval IS NULL) = (calendar_unit IS NULL)
           AND (calendar_interval IS NULL) = (calendar_mode IS NULL)
           AND (calendar_interval IS NULL) = (calendar_anchor IS NULL)),
    CHECK ((meter_id IS NULL) = (usage_interval IS NULL)),
    CHECK (calendar_interval IS NOT NULL OR meter_id IS NOT NULL)
);
CREATE INDEX pm_plans_equipment ON maintenance.pm_plans (organization_id, equipment_id);
CREATE INDEX pm_plans_meter ON maintenance.pm_plans (organization_id, meter_id)
    WHERE meter_id IS NOT NULL AND active;
CREATE INDEX pm_plans_active ON maintenance.pm_plans (organization_id, plant_id, id) WHERE active;

CREATE TABLE maintenance.number_ranges (
    organization_id uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('work_order')),
    next_value      bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (organization_id, kind)
);

-- Work orders. occurrence_key makes generation idempotent: a plan's due date (or usage
-- cycle) becomes at most one order, however often the generation runs.
CREATE TABLE maintenance.work_orders (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    number          text NOT NULL,
    equipment_id    uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('preventive', 'corrective', 'predictive')),
    status          text NOT NULL DEFAULT 'requested' CHECK (status IN
                        ('requested', 'approved', 'scheduled', 'in_progress', 'done', 'closed',
                         'cancelled')),
    priority        integer NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 5),
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description     text CHECK (length(description) <= 4000),
    plan_id         uuid,
    occurrence_key  text,
    due_date        date,
    machine_down    boolean NOT NULL DEFAULT false,
    down_since      timestamptz,
    downtime_id     uuid,
    meter_id        uuid,
    scheduled_start timestamptz,
    scheduled_end   timestamptz,
    started_at      timestamptz,
    done_at         timestamptz,
    closed_at       timestamptz,
    estimated_minutes integer,
    tasks           jsonb NOT NULL DEFAULT '{}',
    checklist_results jsonb NOT NULL DEFAULT '[]',
    problem_code    text,
    cause_code      text,
    remedy_code     text,
    requested_by    text NOT NULL DEFAULT app.current_user_id(),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, plant_id, id),
    UNIQUE (organization_id, number),
    FOREIGN KEY (organization_id, plant_id, equipment_id)
        REFERENCES maintenance.equipment (organization_id, plant_id, id),
    FOREIGN KEY (organization_id, plant_id, plan_id)
        REFERENCES maintenance.pm_plans (organization_id, plant_id, id)
);
CREATE UNIQUE INDEX work_orders_occurrence ON maintenance.work_orders
    (organization_id, occurrence_key) WHERE occurrence_key IS NOT NULL;
CREATE INDEX work_orders_equipment ON maintenance.work_orders (organization_id, equipment_id, id);
CREATE INDEX work_orders_open ON maintenance.work_orders (organization_id, plant_id, status, id)
    WHERE status NOT IN ('closed', 'cancelled');
-- A plan has at most one open order (whichever of its rules comes first makes it).
CREATE INDEX work_orders_plan_open ON maintenance.work_orders (organization_id, plan_id)
    WHERE plan_id IS NOT NULL AND status NOT IN ('done', 'closed', 'cancelled');
-- At most one open corrective order per production stop.
CREATE UNIQUE INDEX work_orders_downtime ON maintenance.work_orders (organization_id, downtime_id)
    WHERE downtime_id IS NOT NULL AND status NOT IN ('closed', 'cancelled');

CREATE TABLE maintenance.work_order_labour (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    work_order_id   uuid NOT NULL,
    technician      text NOT NULL CHECK (length(technician) BETWEEN 1 AND 100),
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz NOT NULL,
    hourly_rate     numeric NOT NULL DEFAULT 0 CHECK (hourly_rate >= 0),
    note            text CHECK (length(note) <= 500),
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, plant_id, work_order_id)
        REFERENCES maintenance.work_orders (organization_id, plant_id, id),
    CHECK (ended_at > started_at)
);
CREATE INDEX work_order_labour_order ON maintenance.work_order_labour
    (organization_id, work_order_id, started_at);

-- Spare parts: each request is one event to inventory (which posts the issue to the order)
-- and one answer back; its lines are the parts.
CREATE TABLE maintenance.part_requests (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL,
    plant_id        uuid NOT NULL,
    work_order_id   uuid NOT NULL,
    status          text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'issued', 'failed')),
    value           numeric,
    movement_ids    uuid[] NOT NULL DEFAULT '{}',
    error           text,
    requested_at    timestamptz NOT NULL DEFAULT now(),
    requested_by    text NOT NULL DEFAULT app.current_user_id(),
    settled_at      timestamptz,
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, plant_id, id),
    FOREIGN KEY (organization_id, plant_id, work_order_id)
        REFERENCES maintenance.work_orders (organization_id, plant_id, id)
);
CREATE INDEX part_requests_order ON maintenance.part_requests (organization_id, work_order_id, id);

CREATE TABLE maintenance.work_order_parts (
    organization_id uuid NOT NULL,
    request_id      uuid NOT NULL,
    line_no         integer NOT NULL CHECK (line_no >= 1),
    plant_id        uuid NOT NULL,
    material_id     uuid NOT NULL,
    quantity        numeric NOT NULL CHECK (quantity > 0),
    unit            text NOT NULL,
    location_id     uuid,
    lot             text,
    PRIMARY KEY (organization_id, request_id, line_no),
    FOREIGN KEY (organization_id, plant_id, request_id)
        REFERENCES maintenance.part_requests (organization_id, plant_id, id)
);

CREATE TABLE maintenance.status_changes (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    work_order_id   uuid NOT NULL,
    from_status     text,
    to_status       text NOT NULL,
    reason          text CHECK (length(reason) <= 500),
    changed_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    changed_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX status_changes_order ON maintenance.status_changes (organization_id, work_order_id, id);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['pm_plans', 'work_orders', 'work_order_labour', 'part_requests',
                             'work_order_parts', 'status_changes'] LOOP
        EXECUTE format('ALTER TABLE maintenance.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE maintenance.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON maintenance.%I'
            ' USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))'
            ' WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id))',
            t || '_tenant', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['failure_codes', 'number_ranges'] LOOP
        EXECUTE format('ALTER TABLE maintenance.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE maintenance.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON maintenance.%I'
            ' USING (organization_id = app.current_org())'
            ' WITH CHECK (organization_id = app.current_org())',
            t || '_tenant', t);
    END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON maintenance.pm_plans, maintenance.failure_codes
    TO unison_maintenance;
GRANT SELECT, INSERT, UPDATE ON maintenance.number_ranges, maintenance.work_orders,
    maintenance.part_requests TO unison_maintenance;
GRANT SELECT, INSERT ON maintenance.work_order_parts TO unison_maintenance;
GRANT SELECT, INSERT, DELETE ON maintenance.work_order_labour TO unison_maintenance;
GRANT SELECT, INSERT ON maintenance.status_changes TO unison_maintenance;

-- A scheduled job acts for every plant of its organization. Runs as the owner for the
-- current organization only.
CREATE FUNCTION maintenance.organization_plants() RETURNS uuid[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, maintenance
    AS $$
    SELECT coalesce(array_agg(DISTINCT plant_id), '{}')
    FROM maintenance.equipment
    WHERE organization_id = app.current_org()
    $$;
CREATE POLICY equipment_plants_of_organization ON maintenance.equipment FOR SELECT
    TO unison_owner USING (organization_id = app.current_org());
REVOKE ALL ON FUNCTION maintenance.organization_plants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION maintenance.organization_plants() TO unison_maintenance;

-- 06:00 every day: the work orders of plans due within their lead time.
SELECT cron.schedule('maintenance-pm-generation', '0 6 * * *',
    $$SELECT bus.enqueue_for_all_organizations('maintenance', 'maintenance.pm_generation', '{}', 3)$$);
-- 06:30: yesterday's KPIs per equipment, published for reporting.
SELECT cron.schedule('maintenance-kpis', '30 6 * * *',
    $$SELECT bus.enqueue_for_all_organizations('maintenance', 'maintenance.kpis', '{}', 3)$$);

-- What maintenance consumes: production's counts (meters), stops (corrective orders, MTBF),
-- OEE closes (planned operating time), work centers (which equipment they are), and
-- inventory's answers to part issues.
SELECT pgmq.bind_topic('production.counts.logged', 'maintenance_events');
SELECT pgmq.bind_topic('production.downtime.*', 'maintenance_events');
SELECT pgmq.bind_topic('production.oee.closed', 'maintenance_events');
SELECT pgmq.bind_topic('production.work_center.changed', 'maintenance_events');
SELECT pgmq.bind_topic('inventory.maintenance_issue.*', 'maintenance_events');
