-- The SAP integration: every message exchanged with SAP (IDocs, OData payloads, business
-- events in; material documents out), the per-organization mappings of SAP keys to
-- Unison's (plants, material types, units), the connection used to call SAP, and what
-- was last published per SAP production order.

-- One row per message, inbound or outbound, stored before it is processed. external_id is
-- SAP's key for it (the IDoc's DOCNUM, the OData message id, the business event id; for a
-- goods movement pushed to SAP, the movement id): a second delivery finds the first row.
-- payload is the message exactly as it arrived (for outbound: the event that triggered
-- it); sent_payload is the body last sent to SAP.
CREATE TABLE inventory.sap_messages (
    organization_id uuid        NOT NULL,
    id              uuid        NOT NULL DEFAULT app.uuid7(),
    direction       text        NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    kind            text        NOT NULL CHECK (kind IN ('MATMAS', 'LOIPRO', 'BOMMAT',
                        'A_Product', 'ProductionOrder.Created', 'A_MaterialDocumentHeader')),
    external_id     text        NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
    status          text        NOT NULL DEFAULT 'received'
                        CHECK (status IN ('received', 'processing', 'processed', 'failed')),
    content_type    text        NOT NULL,
    payload         bytea       NOT NULL,
    -- sha256 of the payload's canonical form: the same id with other content is refused.
    fingerprint     text        NOT NULL,
    sent_payload    jsonb,
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    error           text,
    summary         text,
    job_id          uuid,
    received_by     text        NOT NULL DEFAULT app.current_user_id(),
    received_at     timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, direction, kind, external_id),
    CONSTRAINT sap_messages_failed_have_a_reason CHECK (status <> 'failed' OR error IS NOT NULL)
);
-- The message list, newest first, by status (the failed list) or by kind.
CREATE INDEX sap_messages_status ON inventory.sap_messages (organization_id, status, id);
CREATE INDEX sap_messages_kind ON inventory.sap_messages (organization_id, kind, id);
-- The retention sweep looks up by age only.
CREATE INDEX sap_messages_finished ON inventory.sap_messages (finished_at)
    WHERE status = 'processed';

-- SAP plants (WERKS) of an organization and the Unison plant each one is; plant_id NULL
-- means "a plant of ours in SAP that Unison does not run": its data is skipped.
CREATE TABLE inventory.sap_plants (
    organization_id uuid        NOT NULL,
    werks           text        NOT NULL CHECK (werks ~ '^[A-Z0-9]{1,4}$'),
    plant_id        uuid,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text        NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, werks),
    -- Outbound postings need the way back: one SAP plant per Unison plant.
    UNIQUE (organization_id, plant_id)
);

-- Per-organization translations of SAP codes the standard tables do not know: customer
-- material types (MTART such as YQFP) and units of measure.
CREATE TABLE inventory.sap_codes (
    organization_id uuid        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('material_type', 'unit')),
    sap_code        text        NOT NULL CHECK (sap_code ~ '^[A-Z0-9_%/-]{1,10}$'),
    code            text        NOT NULL CHECK (length(code) BETWEEN 1 AND 20),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text        NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, kind, sap_code)
);

-- How this organization's SAP system is called. Secrets are stored as given for now
-- (see the service README): the table is readable by the runtime role only under RLS.
CREATE TABLE inventory.sap_connections (
    organization_id   uuid        NOT NULL,
    base_url          text        NOT NULL CHECK (base_url ~ '^https?://[^/]+'),
    sap_client        text        CHECK (sap_client ~ '^[0-9]{3}$'),
    auth_kind         text        NOT NULL CHECK (auth_kind IN ('basic', 'oauth')),
    username          text,
    password          text,
    token_url         text,
    client_id         text,
    client_secret     text,
    scrap_cost_center text        CHECK (length(scrap_cost_center) BETWEEN 1 AND 10),
    timeout_seconds   integer     NOT NULL DEFAULT 30 CHECK (timeout_seconds BETWEEN 1 AND 300),
    enabled           boolean     NOT NULL DEFAULT true,
    version           integer     NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    updated_by        text        NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id),
    CONSTRAINT sap_connections_basic_has_credentials CHECK (
        auth_kind <> 'basic' OR (username IS NOT NULL AND password IS NOT NULL)),
    CONSTRAINT sap_connections_oauth_has_credentials CHECK (
        auth_kind <> 'oauth'
        OR (token_url IS NOT NULL AND client_id IS NOT NULL AND client_secret IS NOT NULL))
);

-- What was last published per SAP production order: the same order content arriving
-- again (a resend, the IDoc and the business event of one order) publishes nothing.
CREATE TABLE inventory.sap_production_orders (
    organization_id uuid        NOT NULL,
    order_number    text        NOT NULL CHECK (length(order_number) BETWEEN 1 AND 12),
    fingerprint     text        NOT NULL,
    -- The message it came from; a reference by value, since processed messages are swept.
    message_id      uuid        NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, order_number)
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['sap_messages', 'sap_plants', 'sap_codes', 'sap_connections',
                             'sap_production_orders'] LOOP
        EXECUTE format('ALTER TABLE inventory.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE inventory.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON inventory.%I'
            ' USING (organization_id = app.current_org())'
            ' WITH CHECK (organization_id = app.current_org())',
            t || '_tenant', t);
    END LOOP;
END
$$;

-- Processed messages are kept 90 days, then swept by the owner with no organization set;
-- failed and unfinished ones stay until someone deals with them. (A DELETE whose WHERE
-- reads columns needs a SELECT policy as well as the DELETE one.)
CREATE POLICY sap_messages_retention_read ON inventory.sap_messages FOR SELECT TO unison_owner
    USING (status = 'processed' AND finished_at < now() - interval '90 days');
CREATE POLICY sap_messages_retention_delete ON inventory.sap_messages FOR DELETE TO unison_owner
    USING (status = 'processed' AND finished_at < now() - interval '90 days');
SELECT cron.schedule('inventory-sap-messages-retention', '41 2 * * *',
    $$DELETE FROM inventory.sap_messages
      WHERE status = 'processed' AND finished_at < now() - interval '90 days'$$);

-- Messages change status but are never deleted by the service; mappings and the
-- connection are managed by administrators through the API.
GRANT SELECT, INSERT, UPDATE ON inventory.sap_messages, inventory.sap_production_orders
    TO unison_inventory;
GRANT SELECT, INSERT, UPDATE, DELETE
    ON inventory.sap_plants, inventory.sap_codes, inventory.sap_connections
    TO unison_inventory;

-- The inventory worker pushes its own goods movements to SAP.
SELECT pgmq.bind_topic('inventory.goods_movement.posted', 'inventory_events');
