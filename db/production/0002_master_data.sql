-- Production master data: shift calendars, work centers, the reason catalogue, a read
-- model of inventory's materials, and versioned routings.
--
-- Every table is plant-scoped except the catalogue and the materials read model, which
-- belong to the organization. organization_id leads every key (ready for distribution by
-- tenant).

-- Shift calendars are first-class: several work centers share one, each pattern says
-- which shifts run on which weekday from when, holidays cancel the shifts starting on
-- them, exceptions add (overtime) or remove (shutdown) time. The pure rules that turn
-- them into shifts live in production.shift_calendar.
CREATE TABLE production.shift_calendars (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    code            text NOT NULL CHECK (code ~ '^[A-Z0-9_.-]{1,20}$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    timezone        text NOT NULL CHECK (length(timezone) BETWEEN 1 AND 64),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT app.current_user_id(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, plant_id, id),
    UNIQUE (organization_id, plant_id, code)
);

-- A pattern's shifts are one document (weekdays, times, breaks), validated as a whole by
-- the service: they are read and written together, never queried one by one.
CREATE TABLE production.shift_patterns (
    organization_id uuid NOT NULL,
    calendar_id     uuid NOT NULL,
    valid_from      date NOT NULL,
    valid_to        date,
    shifts          jsonb NOT NULL CHECK (jsonb_typeof(shifts) = 'array'),
    PRIMARY KEY (organization_id, calendar_id, valid_from),
    FOREIGN KEY (organization_id, calendar_id)
        REFERENCES production.shift_calendars (organization_id, id) ON DELETE CASCADE,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

CREATE TABLE production.calendar_holidays (
    organization_id uuid NOT NULL,
    calendar_id     uuid NOT NULL,
    day             date NOT NULL,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    PRIMARY KEY (organization_id, calendar_id, day),
    FOREIGN KEY (organization_id, calendar_id)
        REFERENCES production.shift_calendars (organization_id, id) ON DELETE CASCADE
);

CREATE TABLE production.calendar_exceptions (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    calendar_id     uuid NOT NULL,
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('off', 'extra')),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    shift_code      text CHECK (shift_code ~ '^[A-Z0-9_.-]{1,20}$'),
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, calendar_id)
        REFERENCES production.shift_calendars (organization_id, id) ON DELETE CASCADE,
    CHECK (ends_at > starts_at)
);
CREATE INDEX calendar_exceptions_calendar ON production.calendar_exceptions
    (organization_id, calendar_id, starts_at);

-- Work centers: where operations run. capacity_units identical machines or stations work
-- in parallel; efficiency scales run times (0.9: runs take 1/0.9 as long); equipment_id is
-- the maintenance service's equipment (another schema: no foreign key, events keep it).
CREATE TABLE production.work_centers (
    organization_id    uuid NOT NULL,
    id                 uuid NOT NULL DEFAULT app.uuid7(),
    plant_id           uuid NOT NULL,
    code               text NOT NULL CHECK (code ~ '^[A-Z0-9_.-]{1,20}$'),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    line               text CHECK (length(line) BETWEEN 1 AND 40),
    calendar_id        uuid NOT NULL,
    capacity_units     integer NOT NULL DEFAULT 1 CHECK (capacity_units BETWEEN 1 AND 100),
    efficiency         numeric NOT NULL DEFAULT 1 CHECK (efficiency > 0 AND efficiency <= 2),
    cost_rate          numeric NOT NULL DEFAULT 0 CHECK (cost_rate >= 0),
    -- Stops shorter than this are minor stops (a performance loss), longer ones downtime.
    minor_stop_seconds integer NOT NULL DEFAULT 300 CHECK (minor_stop_seconds BETWEEN 0 AND 3600),
    equipment_id       uuid,
    status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    created_by         text NOT NULL DEFAULT app.current_user_id(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    updated_by         text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, plant_id, id),
    UNIQUE (organization_id, plant_id, code),
    -- The calendar is the work center's plant's: the key includes plant_id.
    FOREIGN KEY (organization_id, plant_id, calendar_id)
        REFERENCES production.shift_calendars (organization_id, plant_id, id)
);
CREATE INDEX work_centers_calendar ON production.work_centers (organization_id, calendar_id);
CREATE INDEX work_centers_equipment ON production.work_centers (organization_id, equipment_id)
    WHERE equipment_id IS NOT NULL;

-- The reason catalogue: why pieces were scrapped or reworked, why a machine stood.
-- Downtime reasons form a tree (Mechanical > Hydraulics > Leak) and each says which OEE
-- loss it is; a parent's category is its children's.
CREATE TABLE production.reasons (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    kind            text NOT NULL CHECK (kind IN ('scrap', 'rework', 'downtime')),
    code            text NOT NULL CHECK (code ~ '^[A-Z0-9_.-]{1,20}$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    parent_id       uuid,
    -- Downtime only: planned (breaks aside: planned maintenance, no orders) or not, and
    -- the loss of the six big losses it books to.
    planned         boolean,
    loss            text CHECK (loss IN ('planned_stop', 'breakdown', 'setup', 'minor_stop')),
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, kind, code),
    UNIQUE (organization_id, kind, id),
    FOREIGN KEY (organization_id, kind, parent_id)
        REFERENCES production.reasons (organization_id, kind, id),
    CHECK ((kind = 'downtime') = (planned IS NOT NULL AND loss IS NOT NULL)),
    CHECK (planned IS NULL OR planned = (loss = 'planned_stop'))
);
CREATE INDEX reasons_parent ON production.reasons (organization_id, parent_id)
    WHERE parent_id IS NOT NULL;

-- What production knows of inventory's materials, kept from inventory.material.* events
-- (production never reads another schema). version guards against an older event
-- overwriting a newer one.
CREATE TABLE production.materials (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL,
    number          text NOT NULL,
    description     text NOT NULL,
    type            text NOT NULL,
    base_unit       text NOT NULL,
    status          text NOT NULL,
    version         integer NOT NULL,
    deleted         boolean NOT NULL DEFAULT false,
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX materials_number ON production.materials (organization_id, number);

-- Released bills of materials, kept from inventory.bom.released / .changed: what a new
-- work order consumes. plant_id null = valid in every plant. items is the version's item
-- list as released (released content never changes).
CREATE TABLE production.boms (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL,
    material_id     uuid NOT NULL,
    plant_id        uuid,
    usage           text NOT NULL,
    alternative     integer NOT NULL,
    status          text NOT NULL,
    valid_from      date NOT NULL,
    valid_to        date,
    base_quantity   numeric NOT NULL,
    base_unit       text NOT NULL,
    items           jsonb NOT NULL,
    version         integer NOT NULL,
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX boms_material ON production.boms (organization_id, material_id, usage, valid_from)
    WHERE status = 'released';

-- Routings: how a material is made in a plant, versioned like BOMs. A released version
-- never changes; a new revision is a new row. Released versions of one material and plant
-- never overlap in validity.
CREATE TABLE production.routings (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    material_id     uuid NOT NULL,
    revision        integer NOT NULL CHECK (revision >= 1),
    status          text NOT NULL DEFAULT 'draft'
                        CHECK (status IN ('draft', 'released', 'obsolete')),
    valid_from      date NOT NULL,
    valid_to        date,
    description     text CHECK (length(description) <= 200),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT app.current_user_id(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, plant_id, id),
    UNIQUE (organization_id, plant_id, material_id, revision),
    FOREIGN KEY (organization_id, material_id) REFERENCES production.materials (organization_id, id),
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    EXCLUDE USING gist (
        organization_id WITH =, plant_id WITH =, material_id WITH =,
        daterange(valid_from, valid_to, '[]') WITH &&
    ) WHERE (status = 'released')
);
CREATE INDEX routings_material ON production.routings (organization_id, material_id, plant_id);

-- Operations in sequence. predecessors are operation numbers of the same routing (a DAG;
-- empty for the first); components are the material ids this operation consumes (its
-- quantities come from the BOM); backflush says they are issued at confirmation rather
-- than by hand; reports_output marks the operation whose confirmation receives the
-- product (the last one, usually).
CREATE TABLE production.routing_operations (
    organization_id    uuid NOT NULL,
    routing_id         uuid NOT NULL,
    operation_no       integer NOT NULL CHECK (operation_no BETWEEN 1 AND 9999),
    description        text NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
    work_center_id     uuid NOT NULL,
    alternative_work_center_ids uuid[] NOT NULL DEFAULT '{}',
    setup_seconds      integer NOT NULL DEFAULT 0 CHECK (setup_seconds >= 0),
    cycle_seconds      numeric NOT NULL CHECK (cycle_seconds > 0),
    predecessors       integer[] NOT NULL DEFAULT '{}',
    inspection_required boolean NOT NULL DEFAULT false,
    consumption        text NOT NULL DEFAULT 'backflush' CHECK (consumption IN ('backflush', 'manual')),
    components         uuid[] NOT NULL DEFAULT '{}',
    reports_output     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (organization_id, routing_id, operation_no),
    FOREIGN KEY (organization_id, routing_id)
        REFERENCES production.routings (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, work_center_id)
        REFERENCES production.work_centers (organization_id, id)
);
CREATE INDEX routing_operations_work_center ON production.routing_operations
    (organization_id, work_center_id);

-- Per organization: how long shop-floor logs are kept (the time series is partitioned by
-- month; the organization's own rows go after this many months).
CREATE TABLE production.settings (
    organization_id      uuid NOT NULL PRIMARY KEY,
    log_retention_months integer NOT NULL DEFAULT 24 CHECK (log_retention_months BETWEEN 1 AND 120),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    updated_by           text NOT NULL DEFAULT app.current_user_id()
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['shift_calendars', 'work_centers', 'routings'] LOOP
        EXECUTE format('ALTER TABLE production.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE production.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON production.%I'
            ' USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))'
            ' WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id))',
            t || '_tenant', t);
    END LOOP;
    -- Children of a plant-scoped parent: reached only through it, but a policy of their
    -- own keeps another organization out even for a query that forgets the join.
    FOREACH t IN ARRAY ARRAY['shift_patterns', 'calendar_holidays', 'calendar_exceptions',
                             'routing_operations', 'reasons', 'materials', 'boms',
                             'settings'] LOOP
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

GRANT SELECT, INSERT, UPDATE, DELETE ON production.shift_calendars, production.shift_patterns,
    production.calendar_holidays, production.calendar_exceptions, production.work_centers,
    production.reasons, production.materials, production.boms, production.routings,
    production.routing_operations, production.settings
    TO unison_production;
