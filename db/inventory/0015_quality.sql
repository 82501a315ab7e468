-- Inventory carries out quality's decisions: a lot hold puts the lot in quarantine, a usage
-- decision that lifts the hold releases or blocks it (a partial acceptance also blocks the
-- rejected quantity, 344), and an NCR's disposition moves the stock (use as is: 343 and
-- released; scrap: 551; return to the supplier: the new 122; rework and sort: kept held).

-- 122 returns stock to the supplier (out, valued at the moving average), 123 reverses it.
-- The list is widened from what the constraint allows now, not restated: another
-- migration may have added types of its own before this one runs.
DO $$
DECLARE
    allowed text[];
BEGIN
    SELECT array_agg(DISTINCT t ORDER BY t) INTO allowed FROM (
        SELECT (regexp_matches(pg_get_constraintdef(c.oid), '''(\d{3})''', 'g'))[1] AS t
        FROM pg_constraint c
        WHERE c.conrelid = 'inventory.goods_movements'::regclass
          AND c.conname = 'goods_movements_movement_type_check'
        UNION ALL SELECT unnest(ARRAY['122', '123'])
    ) types;
    EXECUTE format(
        'ALTER TABLE inventory.goods_movements'
        ' DROP CONSTRAINT goods_movements_movement_type_check,'
        ' ADD CONSTRAINT goods_movements_movement_type_check'
        ' CHECK (movement_type = ANY (%L::text[]))',
        allowed);
END
$$;

-- One row per request from quality that moves stock or a lot's status:
-- 'ncr_disposition' (request_id is the NCR's request_id, answered with
-- inventory.quality_posting.posted/.failed) and 'usage_decision' (a decision lifting a lot
-- hold; request_id is the inspection's id, as an inspection is decided once). 'pending'
-- exists only inside the transaction handling the request. action is the disposition or
-- the decision as it arrived, and reference the NCR or inspection number, neither checked
-- here: a request with an unknown one must still be recorded as refused.
CREATE TABLE inventory.quality_postings (
    organization_id uuid        NOT NULL,
    request_id      uuid        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('ncr_disposition', 'usage_decision')),
    plant_id        uuid        NOT NULL,
    reference       text        NOT NULL,
    action          text        NOT NULL,
    material_id     uuid        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'posted', 'failed')),
    request         jsonb       NOT NULL,
    error           text,
    -- Where in the request the refusal points (/lots/0/quantity), if anywhere.
    pointer         text,
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    movement_ids    uuid[]      NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- Who made the last attempt: the worker (event:...) or the user who retried.
    updated_by      text        NOT NULL DEFAULT app.current_user_id(),
    posted_at       timestamptz,
    PRIMARY KEY (organization_id, request_id),
    CONSTRAINT quality_postings_failed_have_a_reason
        CHECK ((status = 'failed') = (error IS NOT NULL)),
    CONSTRAINT quality_postings_posted_have_a_time
        CHECK ((status = 'posted') = (posted_at IS NOT NULL))
);
-- The lists, newest first: by status (the failed ones wait for someone among many posted),
-- and all of one NCR or inspection.
CREATE INDEX quality_postings_status ON inventory.quality_postings
    (organization_id, status, created_at DESC, request_id DESC);
CREATE INDEX quality_postings_reference ON inventory.quality_postings
    (organization_id, reference, created_at DESC, request_id DESC);
CREATE INDEX quality_postings_posted_at ON inventory.quality_postings (posted_at)
    WHERE status = 'posted';

-- Plant-scoped like the ledger it posts to.
ALTER TABLE inventory.quality_postings ENABLE ROW LEVEL SECURITY;
ALTER TABLE inventory.quality_postings FORCE ROW LEVEL SECURITY;
CREATE POLICY quality_postings_tenant ON inventory.quality_postings
    USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))
    WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id));

-- Posted requests are kept 90 days, as production's (far longer than any redelivery), then
-- swept by the owner with no organization set; failed ones stay until they are posted.
CREATE POLICY quality_postings_retention_read ON inventory.quality_postings
    FOR SELECT TO unison_owner
    USING (status = 'posted' AND posted_at < now() - interval '90 days');
CREATE POLICY quality_postings_retention_delete ON inventory.quality_postings
    FOR DELETE TO unison_owner
    USING (status = 'posted' AND posted_at < now() - interval '90 days');
SELECT cron.schedule('inventory-quality-postings-retention', '53 2 * * *',
    $$DELETE FROM inventory.quality_postings
      WHERE status = 'posted' AND posted_at < now() - interval '90 days'$$);

-- Recorded and updated by the worker and by retries; never deleted by the service.
GRANT SELECT, INSERT, UPDATE ON inventory.quality_postings TO unison_inventory;

-- What the worker consumes from quality.
SELECT pgmq.bind_topic('quality.lot_hold.placed', 'inventory_events');
SELECT pgmq.bind_topic('quality.inspection.decided', 'inventory_events');
SELECT pgmq.bind_topic('quality.ncr.disposition_decided', 'inventory_events');
