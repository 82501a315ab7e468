-- Inventory's side of production: the worker hears released orders (it reserves their
-- components), their status changes (a cancelled or closed order releases what is still
-- reserved) and the goods postings a confirmation asks for (261 issues, the 101 receipt,
-- 531 by-products, posted as one transaction). A posting inventory refuses is kept with
-- its reason, for the shop floor's list of failed goods movements (SAP's COGI) and a
-- retry; a posted one is kept too, so a request delivered again is not posted twice.

-- One row per request (production's posting_id). 'pending' exists only inside the
-- transaction that handles the request: it commits as 'posted' or 'failed'. request is
-- the GoodsPostingRequested event as it arrived; a retry posts it again. The reference is
-- not length-checked here: a request with a bad one must still be recorded as refused.
CREATE TABLE inventory.production_postings (
    organization_id uuid        NOT NULL,
    posting_id      uuid        NOT NULL,
    plant_id        uuid        NOT NULL,
    work_order_id   uuid        NOT NULL,
    reference       text        NOT NULL,
    operation_no    integer     NOT NULL,
    posting_date    date        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'posted', 'failed')),
    request         jsonb       NOT NULL,
    error           text,
    -- Where in the request the refusal points (/consumption/0/quantity), if anywhere.
    pointer         text,
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    movement_ids    uuid[]      NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- Who made the last attempt: the worker (event:...) or the user who retried.
    updated_by      text        NOT NULL DEFAULT app.current_user_id(),
    posted_at       timestamptz,
    PRIMARY KEY (organization_id, posting_id),
    CONSTRAINT production_postings_failed_have_a_reason
        CHECK ((status = 'failed') = (error IS NOT NULL)),
    CONSTRAINT production_postings_posted_have_a_time
        CHECK ((status = 'posted') = (posted_at IS NOT NULL))
);
-- The lists, newest first: by status (the failed ones are the shop floor's to-do list
-- among many posted ones), and all of an order.
CREATE INDEX production_postings_status ON inventory.production_postings
    (organization_id, status, created_at DESC, posting_id DESC);
CREATE INDEX production_postings_reference ON inventory.production_postings
    (organization_id, reference, created_at DESC, posting_id DESC);
-- The retention sweep looks up by age only.
CREATE INDEX production_postings_posted_at ON inventory.production_postings (posted_at)
    WHERE status = 'posted';

-- Plant-scoped like the ledger it posts to.
ALTER TABLE inventory.production_postings ENABLE ROW LEVEL SECURITY;
ALTER TABLE inventory.production_postings FORCE ROW LEVEL SECURITY;
CREATE POLICY production_postings_tenant ON inventory.production_postings
    USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))
    WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id));

-- Posted requests are kept 90 days (far longer than any redelivery: the bus inbox keeps
-- 30), then swept by the owner with no organization set; failed ones stay until they are
-- posted. (A DELETE whose WHERE reads columns needs a SELECT policy as well.)
CREATE POLICY production_postings_retention_read ON inventory.production_postings
    FOR SELECT TO unison_owner
    USING (status = 'posted' AND posted_at < now() - interval '90 days');
CREATE POLICY production_postings_retention_delete ON inventory.production_postings
    FOR DELETE TO unison_owner
    USING (status = 'posted' AND posted_at < now() - interval '90 days');
SELECT cron.schedule('inventory-production-postings-retention', '47 2 * * *',
    $$DELETE FROM inventory.production_postings
      WHERE status = 'posted' AND posted_at < now() - interval '90 days'$$);

-- Recorded and updated by the worker and by retries; never deleted by the service.
GRANT SELECT, INSERT, UPDATE ON inventory.production_postings TO unison_inventory;

-- What the worker consumes from production.
SELECT pgmq.bind_topic('production.work_order.released', 'inventory_events');
SELECT pgmq.bind_topic('production.work_order.status_changed', 'inventory_events');
SELECT pgmq.bind_topic('production.goods_posting.requested', 'inventory_events');
