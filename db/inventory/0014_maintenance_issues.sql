-- Maintenance asks inventory for spare parts (maintenance.parts_issue.requested): one 261
-- issue to the maintenance order, answered like production's goods postings. Rather than
-- a second table of the same shape, production_postings becomes the record of every
-- posting another service asks for: one set of statements, indexes, policies and one
-- retention sweep serve both, told apart by `source`.

ALTER TABLE inventory.production_postings RENAME TO posting_requests;
-- The asking service's names differ (posting_id / request_id, work_order_id /
-- maintenance_work_order_id); the record keeps neutral ones.
ALTER TABLE inventory.posting_requests RENAME COLUMN posting_id TO request_id;
ALTER TABLE inventory.posting_requests RENAME COLUMN work_order_id TO order_id;
-- The rows so far are production's; the default only fills them in.
ALTER TABLE inventory.posting_requests
    ADD COLUMN source text NOT NULL DEFAULT 'production'
        CONSTRAINT posting_requests_source CHECK (source IN ('production', 'maintenance')),
    ALTER COLUMN operation_no DROP NOT NULL;
ALTER TABLE inventory.posting_requests ALTER COLUMN source DROP DEFAULT;
-- Only a confirmation names the operation it was made at.
ALTER TABLE inventory.posting_requests ADD CONSTRAINT posting_requests_operation_of_production
    CHECK ((source = 'production') = (operation_no IS NOT NULL));

-- A request id is the asking service's: it is unique among that service's requests, so a
-- redelivery is recognised per source, and one service's id never stands for another's.
ALTER TABLE inventory.posting_requests DROP CONSTRAINT production_postings_pkey;
ALTER TABLE inventory.posting_requests
    ADD CONSTRAINT posting_requests_pkey PRIMARY KEY (organization_id, source, request_id);
ALTER TABLE inventory.posting_requests RENAME CONSTRAINT production_postings_failed_have_a_reason
    TO posting_requests_failed_have_a_reason;
ALTER TABLE inventory.posting_requests RENAME CONSTRAINT production_postings_posted_have_a_time
    TO posting_requests_posted_have_a_time;
ALTER TABLE inventory.posting_requests RENAME CONSTRAINT production_postings_status_check
    TO posting_requests_status_check;
ALTER TABLE inventory.posting_requests RENAME CONSTRAINT production_postings_attempts_check
    TO posting_requests_attempts_check;

-- Every list is of one source (each service has its routes), newest first: by status
-- (the failed ones are a to-do list among many posted ones), and all of an order.
DROP INDEX inventory.production_postings_status;
DROP INDEX inventory.production_postings_reference;
CREATE INDEX posting_requests_status ON inventory.posting_requests
    (organization_id, source, status, created_at DESC, request_id DESC);
CREATE INDEX posting_requests_reference ON inventory.posting_requests
    (organization_id, source, reference, created_at DESC, request_id DESC);
ALTER INDEX inventory.production_postings_posted_at RENAME TO posting_requests_posted_at;

-- The policies moved with the table (plant-scoped, forced RLS); only their names change.
ALTER POLICY production_postings_tenant ON inventory.posting_requests
    RENAME TO posting_requests_tenant;
ALTER POLICY production_postings_retention_read ON inventory.posting_requests
    RENAME TO posting_requests_retention_read;
ALTER POLICY production_postings_retention_delete ON inventory.posting_requests
    RENAME TO posting_requests_retention_delete;

-- The sweep named the old table: it is scheduled again under the table's name, for both
-- sources (posted rows after 90 days, failed ones stay).
SELECT cron.unschedule('inventory-production-postings-retention');
SELECT cron.schedule('inventory-posting-requests-retention', '47 2 * * *',
    $$DELETE FROM inventory.posting_requests
      WHERE status = 'posted' AND posted_at < now() - interval '90 days'$$);

-- The grants moved with the table (SELECT, INSERT, UPDATE for unison_inventory).

SELECT pgmq.bind_topic('maintenance.parts_issue.requested', 'inventory_events');
