-- Equipment (a tree per plant), its documents and meters, and the readings of the meters
-- (a time series). organization_id leads every key.

-- plant (the plant itself: plant_id) -> line -> machine -> component. work_center_id is
-- the production work center this equipment is (another schema: no foreign key).
CREATE TABLE maintenance.equipment (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    parent_id       uuid,
    level           text NOT NULL CHECK (level IN ('line', 'machine', 'component')),
    code            text NOT NULL CHECK (code ~ '^[A-Z0-9_.-]{1,30}$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    criticality     text NOT NULL DEFAULT 'B' CHECK (criticality IN ('A', 'B', 'C')),
    work_center_id  uuid,
    manufacturer    text CHECK (length(manufacturer) <= 100),
    model           text CHECK (length(model) <= 100),
    serial_number   text CHECK (length(serial_number) <= 100),
    year_built      integer CHECK (year_built BETWEEN 1900 AND 2200),
    installed_on    date,
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'scrapped')),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT app.current_user_id(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, plant_id, id),
    UNIQUE (organization_id, plant_id, code),
    FOREIGN KEY (organization_id, plant_id, parent_id)
        REFERENCES maintenance.equipment (organization_id, plant_id, id)
);
CREATE INDEX equipment_parent ON maintenance.equipment (organization_id, plant_id, parent_id, code);
CREATE INDEX equipment_work_center ON maintenance.equipment (organization_id, work_center_id)
    WHERE work_center_id IS NOT NULL;

-- Manuals, drawings, certificates. Kept in the database until the object store arrives
-- (then this row keeps the object's key instead of the content).
CREATE TABLE maintenance.equipment_documents (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    equipment_id    uuid NOT NULL,
    filename        text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
    content_type    text NOT NULL,
    size_bytes      integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
    content         bytea NOT NULL,
    uploaded_at     timestamptz NOT NULL DEFAULT now(),
    uploaded_by     text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, plant_id, equipment_id)
        REFERENCES maintenance.equipment (organization_id, plant_id, id) ON DELETE CASCADE
);
CREATE INDEX equipment_documents_equipment ON maintenance.equipment_documents
    (organization_id, equipment_id, id);

-- Meters: counters (operating hours, cycles, strokes: cumulative, may reset when a meter is
-- replaced) and condition gauges (vibration, temperature: a value now, with alarm limits
-- that open a predictive work order).
CREATE TABLE maintenance.meters (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    equipment_id    uuid NOT NULL,
    code            text NOT NULL CHECK (code ~ '^[A-Z0-9_.-]{1,30}$'),
    kind            text NOT NULL CHECK (kind IN ('operating_hours', 'cycles', 'strokes',
                                                  'counter', 'condition')),
    unit            text NOT NULL CHECK (length(unit) BETWEEN 1 AND 10),
    -- Counters fed from production's counts: cycles from pieces, hours from machine time.
    from_production boolean NOT NULL DEFAULT false,
    alarm_above     numeric,
    alarm_below     numeric,
    last_value      numeric,
    last_read_at    timestamptz,
    -- Usage since the meter was installed, resets included: what usage plans count.
    total_usage     numeric NOT NULL DEFAULT 0,
    version         integer NOT NULL DEFAULT 1,
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, plant_id, id),
    UNIQUE (organization_id, equipment_id, code),
    FOREIGN KEY (organization_id, plant_id, equipment_id)
        REFERENCES maintenance.equipment (organization_id, plant_id, id),
    CHECK ((kind = 'condition') OR (alarm_above IS NULL AND alarm_below IS NULL))
);
CREATE INDEX meters_from_production ON maintenance.meters (organization_id, equipment_id)
    WHERE from_production;

-- Readings: by hand, in bulk from machines, or from production's counts. The usage a
-- reading adds (the increment, or the value itself after a reset) is kept with it, so the
-- usage between two dates is one sum.
CREATE TABLE maintenance.meter_readings (
    organization_id uuid NOT NULL,
    read_at         timestamptz NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    meter_id        uuid NOT NULL,
    value           numeric NOT NULL,
    usage           numeric NOT NULL DEFAULT 0,
    reset           boolean NOT NULL DEFAULT false,
    source          text NOT NULL CHECK (source IN ('manual', 'machine', 'production')),
    entered_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, read_at, id)
) PARTITION BY RANGE (read_at);
CREATE INDEX meter_readings_time ON maintenance.meter_readings USING brin (read_at);
CREATE INDEX meter_readings_meter ON maintenance.meter_readings (organization_id, meter_id, read_at);
SELECT partman.create_parent(
    p_parent_table := 'maintenance.meter_readings',
    p_control := 'read_at',
    p_type := 'native',
    p_interval := 'monthly',
    p_premake := 3
);

-- Which equipment a production work center is, from production.work_center.changed: the
-- OEE figures production closes name work centers.
CREATE TABLE maintenance.work_centers (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL,
    plant_id        uuid NOT NULL,
    code            text NOT NULL,
    equipment_id    uuid,
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX work_centers_equipment ON maintenance.work_centers (organization_id, equipment_id)
    WHERE equipment_id IS NOT NULL;

-- Stops production recorded on equipment (its downtime events) and the planned operating
-- time of each shift (its OEE close): what MTBF and availability are computed from.
CREATE TABLE maintenance.equipment_downtime (
    organization_id uuid NOT NULL,
    downtime_id     uuid NOT NULL,
    plant_id        uuid NOT NULL,
    equipment_id    uuid NOT NULL,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    loss            text NOT NULL,
    planned         boolean NOT NULL,
    work_order_id   uuid,
    PRIMARY KEY (organization_id, downtime_id)
);
CREATE INDEX equipment_downtime_equipment ON maintenance.equipment_downtime
    (organization_id, equipment_id, started_at);

CREATE TABLE maintenance.planned_time (
    organization_id uuid NOT NULL,
    equipment_id    uuid NOT NULL,
    production_day  date NOT NULL,
    shift_code      text NOT NULL,
    plant_id        uuid NOT NULL,
    planned_seconds numeric NOT NULL,
    PRIMARY KEY (organization_id, equipment_id, production_day, shift_code)
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['equipment', 'equipment_documents', 'meters', 'meter_readings',
                             'work_centers', 'equipment_downtime', 'planned_time'] LOOP
        EXECUTE format('ALTER TABLE maintenance.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE maintenance.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON maintenance.%I'
            ' USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))'
            ' WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id))',
            t || '_tenant', t);
    END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON maintenance.equipment, maintenance.equipment_documents,
    maintenance.meters, maintenance.work_centers, maintenance.equipment_downtime,
    maintenance.planned_time TO unison_maintenance;
GRANT SELECT, INSERT ON maintenance.meter_readings TO unison_maintenance;
