-- Every statement of the SAP integration. The organization comes from the transaction
-- (app.current_org()); RLS holds whatever a statement says.

-- ---------------------------------------------------------------- messages

-- name: message_insert
-- Store a message: $1 direction, $2 kind, $3 external_id, $4 content_type, $5 payload,
-- $6 fingerprint. No row when this external id was received before.
INSERT INTO inventory.sap_messages (organization_id, direction, kind, external_id,
    content_type, payload, fingerprint)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6)
ON CONFLICT (organization_id, direction, kind, external_id) DO NOTHING
RETURNING id, direction, kind, external_id, status, attempts, error, summary, job_id,
    received_by, received_at, updated_at, finished_at;

-- name: message_by_external_id
-- The message with direction $1, kind $2 and external id $3, and its fingerprint.
SELECT id, direction, kind, external_id, status, attempts, error, summary, job_id,
    received_by, received_at, updated_at, finished_at, fingerprint
FROM inventory.sap_messages
WHERE organization_id = app.current_org() AND direction = $1 AND kind = $2
  AND external_id = $3;

-- name: message_get
-- Message $1 with the body last sent to SAP.
SELECT id, direction, kind, external_id, status, attempts, error, summary, job_id,
    received_by, received_at, updated_at, finished_at, sent_payload
FROM inventory.sap_messages
WHERE organization_id = app.current_org() AND id = $1;

-- name: message_payload
-- Message $1 as it arrived.
SELECT content_type, payload FROM inventory.sap_messages
WHERE organization_id = app.current_org() AND id = $1;

-- name: message_set_job
-- Message $1 is (re)processed by job $2.
UPDATE inventory.sap_messages SET job_id = $2, updated_at = now()
WHERE organization_id = app.current_org() AND id = $1;

-- name: message_start
-- Job $2 takes message $1 unless it has finished; counts the attempt. A job that was
-- interrupted finds it 'processing' and takes it again.
UPDATE inventory.sap_messages
SET status = 'processing', attempts = attempts + 1, job_id = $2, updated_at = now()
WHERE organization_id = app.current_org() AND id = $1 AND status IN ('received', 'processing')
RETURNING id, direction, kind, external_id, content_type, payload, attempts;

-- name: message_processed
-- Message $1 is done: $2 says what it did.
UPDATE inventory.sap_messages
SET status = 'processed', summary = $2, error = NULL, updated_at = now(), finished_at = now()
WHERE organization_id = app.current_org() AND id = $1;

-- name: message_failed
-- Message $1 failed for reason $2 (kept until it is replayed).
UPDATE inventory.sap_messages
SET status = 'failed', error = $2, summary = NULL, updated_at = now(), finished_at = now()
WHERE organization_id = app.current_org() AND id = $1;

-- name: message_retrying
-- An attempt at message $1 failed for a passing reason $2; another follows.
UPDATE inventory.sap_messages SET error = $2, updated_at = now()
WHERE organization_id = app.current_org() AND id = $1;

-- name: outbound_pending_before
-- The oldest outbound message before $1 that has not reached SAP yet (received or being
-- processed): pushes go in the order the movements were posted.
SELECT id FROM inventory.sap_messages
WHERE organization_id = app.current_org() AND direction = 'outbound'
  AND status IN ('received', 'processing') AND id < $1
ORDER BY id
LIMIT 1;

-- name: message_sent_payload
-- The body sent (or about to be sent) to SAP for message $1.
UPDATE inventory.sap_messages SET sent_payload = $2::text::jsonb, updated_at = now()
WHERE organization_id = app.current_org() AND id = $1;

-- name: message_replay
-- Failed message $1 goes round again; returns its attempts so far.
UPDATE inventory.sap_messages
SET status = 'received', error = NULL, summary = NULL, finished_at = NULL, updated_at = now()
WHERE organization_id = app.current_org() AND id = $1 AND status = 'failed'
RETURNING attempts;

-- name: message_status
-- Status of message $1 (to tell "not failed" from "no such message").
SELECT status FROM inventory.sap_messages
WHERE organization_id = app.current_org() AND id = $1;

-- name: messages_page
-- Messages newest first, optionally of direction $1 and kind $2, before id $3 (NULL =
-- from the newest), at most $4.
SELECT id, direction, kind, external_id, status, attempts, error, summary, job_id,
    received_by, received_at, updated_at, finished_at
FROM inventory.sap_messages
WHERE organization_id = app.current_org()
  AND ($1::text IS NULL OR direction = $1) AND ($2::text IS NULL OR kind = $2)
  AND ($3::uuid IS NULL OR id < $3)
ORDER BY id DESC
LIMIT $4;

-- name: messages_page_by_status
-- As messages_page, of status $5 only (the failed list): served by its own index.
SELECT id, direction, kind, external_id, status, attempts, error, summary, job_id,
    received_by, received_at, updated_at, finished_at
FROM inventory.sap_messages
WHERE organization_id = app.current_org() AND status = $5
  AND ($1::text IS NULL OR direction = $1) AND ($2::text IS NULL OR kind = $2)
  AND ($3::uuid IS NULL OR id < $3)
ORDER BY id DESC
LIMIT $4;

-- ---------------------------------------------------------------- plant mapping

-- name: plants_all
-- The organization's SAP plants in WERKS order (a handful per organization).
SELECT werks, plant_id, updated_at, updated_by FROM inventory.sap_plants
WHERE organization_id = app.current_org()
ORDER BY werks;

-- name: plant_put
-- SAP plant $1 is Unison plant $2 (NULL = skipped).
INSERT INTO inventory.sap_plants (organization_id, werks, plant_id)
VALUES (app.current_org(), $1, $2)
ON CONFLICT (organization_id, werks) DO UPDATE
SET plant_id = excluded.plant_id, updated_at = now(), updated_by = app.current_user_id()
RETURNING werks, plant_id, updated_at, updated_by;

-- name: plant_delete
-- Forget SAP plant $1.
DELETE FROM inventory.sap_plants WHERE organization_id = app.current_org() AND werks = $1
RETURNING werks;

-- name: werks_of_plant
-- The SAP plant of Unison plant $1.
SELECT werks FROM inventory.sap_plants
WHERE organization_id = app.current_org() AND plant_id = $1;

-- ---------------------------------------------------------------- code translations

-- name: codes_all
-- The organization's own translations of SAP codes, by kind and SAP code.
SELECT kind, sap_code, code, updated_at, updated_by FROM inventory.sap_codes
WHERE organization_id = app.current_org()
ORDER BY kind, sap_code;

-- name: code_put
-- SAP code $2 of kind $1 is Unison code $3.
INSERT INTO inventory.sap_codes (organization_id, kind, sap_code, code)
VALUES (app.current_org(), $1, $2, $3)
ON CONFLICT (organization_id, kind, sap_code) DO UPDATE
SET code = excluded.code, updated_at = now(), updated_by = app.current_user_id()
RETURNING kind, sap_code, code, updated_at, updated_by;

-- name: code_delete
-- Forget SAP code $2 of kind $1.
DELETE FROM inventory.sap_codes
WHERE organization_id = app.current_org() AND kind = $1 AND sap_code = $2
RETURNING sap_code;

-- ---------------------------------------------------------------- connection

-- name: connection_get
-- How this organization's SAP system is called, secrets included.
SELECT base_url, sap_client, auth_kind, username, password, token_url, client_id,
    client_secret, scrap_cost_center, timeout_seconds, enabled, version, updated_at,
    updated_by
FROM inventory.sap_connections
WHERE organization_id = app.current_org();

-- name: connection_put
-- Create or replace the connection: $1 base_url, $2 sap_client, $3 auth_kind, $4 username,
-- $5 password, $6 token_url, $7 client_id, $8 client_secret, $9 scrap_cost_center,
-- $10 timeout_seconds, $11 enabled. Returns it and whether it was created.
INSERT INTO inventory.sap_connections AS c (organization_id, base_url, sap_client, auth_kind,
    username, password, token_url, client_id, client_secret, scrap_cost_center,
    timeout_seconds, enabled)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (organization_id) DO UPDATE
SET base_url = excluded.base_url, sap_client = excluded.sap_client,
    auth_kind = excluded.auth_kind, username = excluded.username,
    password = excluded.password, token_url = excluded.token_url,
    client_id = excluded.client_id, client_secret = excluded.client_secret,
    scrap_cost_center = excluded.scrap_cost_center,
    timeout_seconds = excluded.timeout_seconds, enabled = excluded.enabled,
    version = c.version + 1, updated_at = now(), updated_by = app.current_user_id()
RETURNING base_url, sap_client, auth_kind, username, password, token_url, client_id,
    client_secret, scrap_cost_center, timeout_seconds, enabled, version, updated_at,
    updated_by, (xmax = 0) AS created;

-- name: connection_delete
-- Remove the connection: nothing is pushed to or read from SAP any more.
DELETE FROM inventory.sap_connections WHERE organization_id = app.current_org()
RETURNING version;

-- ---------------------------------------------------------------- materials

-- name: object_lock
-- Serialize SAP messages about one object ($1, e.g. "material:ve2021", "order:1003981")
-- until the transaction ends: two messages about one new material cannot both create it.
SELECT pg_advisory_xact_lock(
    hashtextextended('inventory.sap:' || app.current_org()::text || ':' || $1, 0));

-- name: material_numbers
-- Number and base unit of the materials $1.
SELECT id, number, base_unit FROM inventory.materials
WHERE organization_id = app.current_org() AND id = ANY ($1::uuid[]);

-- name: materials_by_numbers
-- Id, number and base unit of the materials numbered $1 (any case).
SELECT id, number, base_unit FROM inventory.materials
WHERE organization_id = app.current_org()
  AND number_key = ANY (SELECT lower(n) FROM unnest($1::text[]) AS n);

-- ---------------------------------------------------------------- storage locations

-- name: location_warehouse_codes
-- For each of the storage locations $2 of plant $1, the code of the warehouse it is in
-- (itself for a warehouse): SAP's storage location is the warehouse level.
WITH RECURSIVE up AS (
    SELECT l.id AS location_id, l.parent_id, l.code
    FROM inventory.storage_locations l
    WHERE l.organization_id = app.current_org() AND l.plant_id = $1
      AND l.id = ANY ($2::uuid[])
  UNION ALL
    SELECT up.location_id, p.parent_id, p.code
    FROM up
    JOIN inventory.storage_locations p
      ON p.organization_id = app.current_org() AND p.plant_id = $1 AND p.id = up.parent_id
)
SELECT location_id, code FROM up WHERE parent_id IS NULL;

-- ---------------------------------------------------------------- production orders

-- name: production_order_fingerprint
-- What was last published for SAP production order $1.
SELECT fingerprint FROM inventory.sap_production_orders
WHERE organization_id = app.current_org() AND order_number = $1;

-- name: production_order_put
-- Production order $1 was published with content $2 from message $3.
INSERT INTO inventory.sap_production_orders (organization_id, order_number, fingerprint,
    message_id)
VALUES (app.current_org(), $1, $2, $3)
ON CONFLICT (organization_id, order_number) DO UPDATE
SET fingerprint = excluded.fingerprint, message_id = excluded.message_id, updated_at = now();
