-- Platform tables every service's worker uses the same way: the inbox that makes event
-- handling exactly-once, the jobs clients follow, and each service's queues in pgmq.
-- Rows are scoped by organization (RLS) and by the service role that owns them.

CREATE SCHEMA bus AUTHORIZATION unison_owner;
REVOKE ALL ON SCHEMA bus FROM PUBLIC;
GRANT USAGE ON SCHEMA bus TO unison_gateway, unison_inventory, unison_production, unison_quality, unison_maintenance, unison_search, unison_reporting;

-- One row per handled event; a replayed event finds its id here and is skipped.
CREATE TABLE bus.inbox (
    organization_id uuid        NOT NULL,
    owner           name        NOT NULL DEFAULT current_user,
    event_id        uuid        NOT NULL,
    topic           text        NOT NULL,
    handled_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, owner, event_id)
);
CREATE INDEX inbox_handled_at ON bus.inbox USING brin (handled_at);
ALTER TABLE bus.inbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE bus.inbox FORCE ROW LEVEL SECURITY;
CREATE POLICY inbox_tenant ON bus.inbox
    USING (organization_id = app.current_org() AND owner = current_user)
    WITH CHECK (organization_id = app.current_org() AND owner = current_user);
GRANT SELECT, INSERT ON bus.inbox TO unison_gateway, unison_inventory, unison_production, unison_quality, unison_maintenance, unison_search, unison_reporting;

-- Inbox rows outlive any redelivery (visibility timeouts are seconds, dead letters are
-- replayed within days); after 30 days they only cost space.
CREATE POLICY inbox_retention ON bus.inbox FOR DELETE TO unison_owner
    USING (handled_at < now() - interval '30 days');
SELECT cron.schedule('bus-inbox-retention', '17 3 * * *',
    $$DELETE FROM bus.inbox WHERE handled_at < now() - interval '30 days'$$);

-- Long work a client follows: status, progress, result or error.
CREATE TABLE bus.jobs (
    organization_id uuid        NOT NULL,
    id              uuid        NOT NULL DEFAULT app.uuid7(),
    owner           name        NOT NULL DEFAULT current_user,
    kind            text        NOT NULL,
    status          text        NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    params          jsonb       NOT NULL DEFAULT '{}',
    progress_done   bigint      NOT NULL DEFAULT 0,
    progress_total  bigint,
    progress_message text       NOT NULL DEFAULT '',
    result          jsonb,
    error           text,
    attempts        integer     NOT NULL DEFAULT 0,
    max_attempts    integer     NOT NULL DEFAULT 3 CHECK (max_attempts > 0),
    cancel_requested boolean    NOT NULL DEFAULT false,
    created_by      text        NOT NULL DEFAULT app.current_user_id(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX jobs_list ON bus.jobs (organization_id, owner, created_at DESC, id DESC);
ALTER TABLE bus.jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE bus.jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY jobs_tenant ON bus.jobs
    USING (organization_id = app.current_org() AND owner = current_user)
    WITH CHECK (organization_id = app.current_org() AND owner = current_user);
GRANT SELECT, INSERT, UPDATE ON bus.jobs TO unison_gateway, unison_inventory, unison_production, unison_quality, unison_maintenance, unison_search, unison_reporting;

-- Queues: <service>_events (bound to the topics the service consumes, in its own
-- migrations), <service>_jobs, and a dead-letter queue for each. Workers wake on insert
-- notifications instead of polling (throttle 0: every insert notifies).
SELECT pgmq.create('inventory_events');
SELECT pgmq.create('inventory_events_dlq');
SELECT pgmq.create('inventory_jobs');
SELECT pgmq.create('inventory_jobs_dlq');
SELECT pgmq.create('production_events');
SELECT pgmq.create('production_events_dlq');
SELECT pgmq.create('production_jobs');
SELECT pgmq.create('production_jobs_dlq');
SELECT pgmq.create('quality_events');
SELECT pgmq.create('quality_events_dlq');
SELECT pgmq.create('quality_jobs');
SELECT pgmq.create('quality_jobs_dlq');
SELECT pgmq.create('maintenance_events');
SELECT pgmq.create('maintenance_events_dlq');
SELECT pgmq.create('maintenance_jobs');
SELECT pgmq.create('maintenance_jobs_dlq');
SELECT pgmq.create('search_events');
SELECT pgmq.create('search_events_dlq');
SELECT pgmq.create('search_jobs');
SELECT pgmq.create('search_jobs_dlq');
SELECT pgmq.create('reporting_events');
SELECT pgmq.create('reporting_events_dlq');
SELECT pgmq.create('reporting_jobs');
SELECT pgmq.create('reporting_jobs_dlq');
SELECT pgmq.enable_notify_insert('inventory_events', 0);
SELECT pgmq.enable_notify_insert('inventory_jobs', 0);
SELECT pgmq.enable_notify_insert('production_events', 0);
SELECT pgmq.enable_notify_insert('production_jobs', 0);
SELECT pgmq.enable_notify_insert('quality_events', 0);
SELECT pgmq.enable_notify_insert('quality_jobs', 0);
SELECT pgmq.enable_notify_insert('maintenance_events', 0);
SELECT pgmq.enable_notify_insert('maintenance_jobs', 0);
SELECT pgmq.enable_notify_insert('search_events', 0);
SELECT pgmq.enable_notify_insert('search_jobs', 0);
SELECT pgmq.enable_notify_insert('reporting_events', 0);
SELECT pgmq.enable_notify_insert('reporting_jobs', 0);

-- pgmq's functions run with the caller's rights. Every service may publish (send_topic
-- inserts into each bound queue and updates the notify throttle), and reads, deletes and
-- archives only its own queues.
GRANT USAGE ON SCHEMA pgmq TO unison_gateway, unison_inventory, unison_production, unison_quality, unison_maintenance, unison_search, unison_reporting;
GRANT SELECT ON pgmq.meta, pgmq.topic_bindings TO unison_gateway, unison_inventory, unison_production, unison_quality, unison_maintenance, unison_search, unison_reporting;
GRANT SELECT, UPDATE ON pgmq.notify_insert_throttle TO unison_gateway, unison_inventory, unison_production, unison_quality, unison_maintenance, unison_search, unison_reporting;
GRANT INSERT ON pgmq.q_inventory_events, pgmq.q_production_events, pgmq.q_quality_events, pgmq.q_maintenance_events, pgmq.q_search_events, pgmq.q_reporting_events
    TO unison_gateway, unison_inventory, unison_production, unison_quality, unison_maintenance, unison_search, unison_reporting;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_inventory_events, pgmq.a_inventory_events TO unison_inventory;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_inventory_events_dlq, pgmq.a_inventory_events_dlq TO unison_inventory;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_inventory_jobs, pgmq.a_inventory_jobs TO unison_inventory;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_inventory_jobs_dlq, pgmq.a_inventory_jobs_dlq TO unison_inventory;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_production_events, pgmq.a_production_events TO unison_production;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_production_events_dlq, pgmq.a_production_events_dlq TO unison_production;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_production_jobs, pgmq.a_production_jobs TO unison_production;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_production_jobs_dlq, pgmq.a_production_jobs_dlq TO unison_production;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_quality_events, pgmq.a_quality_events TO unison_quality;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_quality_events_dlq, pgmq.a_quality_events_dlq TO unison_quality;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_quality_jobs, pgmq.a_quality_jobs TO unison_quality;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_quality_jobs_dlq, pgmq.a_quality_jobs_dlq TO unison_quality;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_maintenance_events, pgmq.a_maintenance_events TO unison_maintenance;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_maintenance_events_dlq, pgmq.a_maintenance_events_dlq TO unison_maintenance;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_maintenance_jobs, pgmq.a_maintenance_jobs TO unison_maintenance;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_maintenance_jobs_dlq, pgmq.a_maintenance_jobs_dlq TO unison_maintenance;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_search_events, pgmq.a_search_events TO unison_search;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_search_events_dlq, pgmq.a_search_events_dlq TO unison_search;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_search_jobs, pgmq.a_search_jobs TO unison_search;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_search_jobs_dlq, pgmq.a_search_jobs_dlq TO unison_search;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_reporting_events, pgmq.a_reporting_events TO unison_reporting;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_reporting_events_dlq, pgmq.a_reporting_events_dlq TO unison_reporting;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_reporting_jobs, pgmq.a_reporting_jobs TO unison_reporting;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_reporting_jobs_dlq, pgmq.a_reporting_jobs_dlq TO unison_reporting;
