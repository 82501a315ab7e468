-- Non-conformance reports with their lots, files and dispositions; corrective and
-- preventive actions; who is told what by e-mail; schedules and topic bindings.

-- open -> investigation -> disposition -> verification -> closed, each step with who and
-- when (step_history). The disposition carries its stock consequence to inventory.
CREATE TABLE quality.ncrs (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    number          text NOT NULL,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN
                        ('open', 'investigation', 'disposition', 'verification', 'closed',
                         'cancelled')),
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description     text CHECK (length(description) <= 8000),
    severity        text NOT NULL DEFAULT 'major' CHECK (severity IN ('critical', 'major', 'minor')),
    material_id     uuid NOT NULL,
    quantity        numeric NOT NULL CHECK (quantity > 0),
    unit            text NOT NULL,
    work_order_id   uuid,
    operation_no    integer,
    work_center_id  uuid,
    supplier        text CHECK (length(supplier) <= 100),
    customer        text CHECK (length(customer) <= 100),
    inspection_id   uuid,
    defect_codes    text[] NOT NULL DEFAULT '{}',
    disposition     text CHECK (disposition IN ('use_as_is', 'rework', 'scrap',
                                                'return_to_supplier', 'sort')),
    disposition_note text CHECK (length(disposition_note) <= 2000),
    disposition_status text CHECK (disposition_status IN ('requested', 'posted', 'failed', 'done')),
    disposition_error text,
    step_history    jsonb NOT NULL DEFAULT '[]',
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT app.current_user_id(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, plant_id, id),
    UNIQUE (organization_id, number),
    FOREIGN KEY (organization_id, material_id) REFERENCES quality.materials (organization_id, id)
);
CREATE INDEX ncrs_open ON quality.ncrs (organization_id, plant_id, status, id)
    WHERE status NOT IN ('closed', 'cancelled');
CREATE INDEX ncrs_material ON quality.ncrs (organization_id, material_id, id);
CREATE INDEX ncrs_inspection ON quality.ncrs (organization_id, inspection_id)
    WHERE inspection_id IS NOT NULL;

CREATE TABLE quality.ncr_lots (
    organization_id uuid NOT NULL,
    ncr_id          uuid NOT NULL,
    lot             text NOT NULL,
    plant_id        uuid NOT NULL,
    quantity        numeric NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (organization_id, ncr_id, lot),
    FOREIGN KEY (organization_id, plant_id, ncr_id)
        REFERENCES quality.ncrs (organization_id, plant_id, id) ON DELETE CASCADE
);

-- Photos and files of an NCR: in the database until the object store arrives.
CREATE TABLE quality.ncr_files (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    ncr_id          uuid NOT NULL,
    filename        text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
    content_type    text NOT NULL,
    size_bytes      integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
    content         bytea NOT NULL,
    uploaded_at     timestamptz NOT NULL DEFAULT now(),
    uploaded_by     text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, plant_id, ncr_id)
        REFERENCES quality.ncrs (organization_id, plant_id, id) ON DELETE CASCADE
);
CREATE INDEX ncr_files_ncr ON quality.ncr_files (organization_id, ncr_id, id);

-- CAPA: root cause as structured data (5 Why, Ishikawa categories), actions with owners
-- and due dates, an effectiveness check; linked to NCRs.
CREATE TABLE quality.capas (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    number          text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('corrective', 'preventive')),
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    status          text NOT NULL DEFAULT 'open' CHECK (status IN
                        ('open', 'in_progress', 'effectiveness_check', 'closed', 'cancelled')),
    owner           text NOT NULL CHECK (length(owner) BETWEEN 1 AND 200),
    due_date        date NOT NULL,
    root_cause      jsonb NOT NULL DEFAULT '{}',
    ncr_ids         uuid[] NOT NULL DEFAULT '{}',
    effectiveness_due date,
    effective       boolean,
    effectiveness_note text CHECK (length(effectiveness_note) <= 2000),
    overdue_flagged_at timestamptz,
    closed_at       timestamptz,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT app.current_user_id(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, plant_id, id),
    UNIQUE (organization_id, number)
);
CREATE INDEX capas_open_due ON quality.capas (organization_id, due_date)
    WHERE status NOT IN ('closed', 'cancelled');
CREATE INDEX capas_ncrs ON quality.capas USING gin (ncr_ids);

CREATE TABLE quality.capa_actions (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid NOT NULL,
    capa_id         uuid NOT NULL,
    description     text NOT NULL CHECK (length(description) BETWEEN 1 AND 1000),
    owner           text NOT NULL CHECK (length(owner) BETWEEN 1 AND 200),
    due_date        date NOT NULL,
    done_at         timestamptz,
    overdue_flagged_at timestamptz,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, plant_id, capa_id)
        REFERENCES quality.capas (organization_id, plant_id, id) ON DELETE CASCADE
);
CREATE INDEX capa_actions_capa ON quality.capa_actions (organization_id, capa_id, id);
CREATE INDEX capa_actions_open_due ON quality.capa_actions (organization_id, due_date)
    WHERE done_at IS NULL;

-- Who is told what. A subscription names an e-mail address or a role (every person of
-- the organization with that role, from identity's events), the kinds of notice, and
-- optionally the plants.
CREATE TABLE quality.people (
    organization_id uuid NOT NULL,
    user_id         uuid NOT NULL,
    email           text NOT NULL,
    display_name    text NOT NULL,
    roles           text[] NOT NULL DEFAULT '{}',
    plant_ids       uuid[],
    active          boolean NOT NULL DEFAULT true,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX people_roles ON quality.people USING gin (roles);

CREATE TABLE quality.subscriptions (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    email           text CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
    role            text CHECK (length(role) BETWEEN 1 AND 50),
    kinds           text[] NOT NULL CHECK (kinds <@ ARRAY['ncr_created', 'ncr_step', 'spc_violation',
                                                          'capa_overdue', 'plan_expiring']::text[]),
    plant_ids       uuid[],
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, id),
    CHECK ((email IS NULL) <> (role IS NULL))
);

-- Every e-mail to send: written in the transaction of what it tells, sent by a job,
-- retried on failure, and kept (sent or failed with its error): never lost.
CREATE TABLE quality.notifications (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    plant_id        uuid,
    kind            text NOT NULL,
    recipients      text[] NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    error           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX notifications_status ON quality.notifications (organization_id, status, id);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ncrs', 'ncr_lots', 'ncr_files', 'capas', 'capa_actions'] LOOP
        EXECUTE format('ALTER TABLE quality.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE quality.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON quality.%I'
            ' USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))'
            ' WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id))',
            t || '_tenant', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['people', 'subscriptions', 'notifications'] LOOP
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

GRANT SELECT, INSERT, UPDATE ON quality.ncrs, quality.capas, quality.capa_actions,
    quality.notifications TO unison_quality;
GRANT SELECT, INSERT, DELETE ON quality.ncr_lots, quality.ncr_files, quality.subscriptions
    TO unison_quality;
GRANT SELECT, INSERT, UPDATE, DELETE ON quality.people TO unison_quality;

CREATE FUNCTION quality.organization_plants() RETURNS uuid[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, quality
    AS $$
    SELECT coalesce(array_agg(DISTINCT plant_id), '{}') FROM (
        SELECT plant_id FROM quality.inspection_plans WHERE organization_id = app.current_org()
        UNION SELECT plant_id FROM quality.capas WHERE organization_id = app.current_org()
    ) p
    $$;
CREATE POLICY inspection_plans_plants_of_organization ON quality.inspection_plans FOR SELECT
    TO unison_owner USING (organization_id = app.current_org());
CREATE POLICY capas_plants_of_organization ON quality.capas FOR SELECT
    TO unison_owner USING (organization_id = app.current_org());
REVOKE ALL ON FUNCTION quality.organization_plants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION quality.organization_plants() TO unison_quality;

-- 07:00: overdue CAPAs and actions are flagged (and told); plans whose validity ends
-- within 30 days are warned of.
SELECT cron.schedule('quality-daily', '0 7 * * *',
    $$SELECT bus.enqueue_for_all_organizations('quality', 'quality.daily', '{}', 3)$$);

-- What quality consumes: materials (its read model), production's orders and operations
-- (what an operation makes), inventory's receipts (inspections) and answers to its stock
-- requests, identity's people (who to tell).
SELECT pgmq.bind_topic('inventory.material.*', 'quality_events');
SELECT pgmq.bind_topic('inventory.goods_movement.posted', 'quality_events');
SELECT pgmq.bind_topic('inventory.quality_posting.*', 'quality_events');
SELECT pgmq.bind_topic('production.work_order.created', 'quality_events');
SELECT pgmq.bind_topic('production.operation.status_changed', 'quality_events');
SELECT pgmq.bind_topic('identity.user.*', 'quality_events');
