-- Exports (CSV, XLSX, Parquet files made by a job, downloaded through an expiring link)
-- and scheduled reports (subscriptions run by pg_cron through a job, sent by e-mail).

-- One exported file. The content lives in export_chunks until the object store takes it
-- (then this row keeps its key). The link is a random token, of which only the SHA-256
-- is kept: a leaked database dump does not hand out downloads.
CREATE TABLE reporting.export_files (
    organization_id uuid        NOT NULL,
    id              uuid        NOT NULL DEFAULT app.uuid7(),
    token_sha256    bytea       NOT NULL CHECK (length(token_sha256) = 32),
    job_id          uuid,
    source          text        NOT NULL,
    format          text        NOT NULL CHECK (format IN ('csv', 'xlsx', 'parquet')),
    filename        text        NOT NULL,
    content_type    text        NOT NULL,
    -- The plants whose data it may hold: only a caller allowed all of them gets it.
    plant_ids       uuid[]      NOT NULL,
    row_count       bigint      NOT NULL CHECK (row_count >= 0),
    size_bytes      bigint      NOT NULL CHECK (size_bytes >= 0),
    sha256          text        NOT NULL,
    created_by      text        NOT NULL DEFAULT app.current_user_id(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, token_sha256)
);
CREATE INDEX export_files_expires ON reporting.export_files (expires_at);

-- The content, 1 MiB per row, in order. expires_at is the file's, so the sweep needs no
-- join (and no read policy on the files for the owner).
CREATE TABLE reporting.export_chunks (
    organization_id uuid        NOT NULL,
    file_id         uuid        NOT NULL,
    seq             integer     NOT NULL CHECK (seq >= 0),
    expires_at      timestamptz NOT NULL,
    data            bytea       NOT NULL,
    PRIMARY KEY (organization_id, file_id, seq),
    -- Deferred: the content is stored first (its digest goes into the file's row).
    FOREIGN KEY (organization_id, file_id) REFERENCES reporting.export_files ON DELETE CASCADE
        DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX export_chunks_expires ON reporting.export_chunks (expires_at);
-- Out of line but not compressed: XLSX and Parquet are compressed already, and a CSV
-- compressed by TOAST costs four times the time of storing it (a week's space instead).
ALTER TABLE reporting.export_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- A user's scheduled report: which dashboard with which filters, when (daily, or weekly
-- on an ISO weekday, at an hour of a time zone), in which format, how delivered, to whom.
CREATE TABLE reporting.report_subscriptions (
    organization_id uuid        NOT NULL,
    id              uuid        NOT NULL DEFAULT app.uuid7(),
    name            text        NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    source          text        NOT NULL,
    filters         jsonb       NOT NULL DEFAULT '{}',
    frequency       text        NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    weekday         smallint    CHECK (weekday BETWEEN 1 AND 7),
    hour            smallint    NOT NULL CHECK (hour BETWEEN 0 AND 23),
    time_zone       text        NOT NULL,
    format          text        NOT NULL CHECK (format IN ('csv', 'xlsx', 'parquet')),
    delivery        text        NOT NULL CHECK (delivery IN ('attachment', 'link')),
    recipients      text[]      NOT NULL CHECK (cardinality(recipients) BETWEEN 1 AND 50),
    -- The subscriber's plants when subscribing: what the report may show.
    plant_ids       uuid[]      NOT NULL,
    active          boolean     NOT NULL DEFAULT true,
    next_run_at     timestamptz NOT NULL,
    version         integer     NOT NULL DEFAULT 1,
    created_by      text        NOT NULL DEFAULT app.current_user_id(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, id),
    CHECK ((frequency = 'weekly') = (weekday IS NOT NULL)),
    CHECK (delivery = 'link' OR format = 'xlsx')
);
CREATE INDEX report_subscriptions_due ON reporting.report_subscriptions
    (organization_id, next_run_at) WHERE active;
CREATE INDEX report_subscriptions_due_any ON reporting.report_subscriptions
    (next_run_at) WHERE active;

-- One row per subscription and period (its scheduled time): the key makes a period sent
-- at most once however often the job is retried; status says how far it got.
CREATE TABLE reporting.report_deliveries (
    organization_id uuid        NOT NULL,
    subscription_id uuid        NOT NULL,
    scheduled_for   timestamptz NOT NULL,
    id              uuid        NOT NULL DEFAULT app.uuid7(),
    first_day       date        NOT NULL,
    last_day        date        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
                                CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    lease_until     timestamptz,
    file_id         uuid,
    error           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    PRIMARY KEY (organization_id, subscription_id, scheduled_for),
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, subscription_id)
        REFERENCES reporting.report_subscriptions ON DELETE CASCADE
);
CREATE INDEX report_deliveries_pending ON reporting.report_deliveries (organization_id, id)
    WHERE status = 'pending';

-- When the scheduler last queued an organization's report job: one job at a time per
-- organization, even while the worker is down for hours.
CREATE TABLE reporting.report_runs (
    organization_id uuid        PRIMARY KEY,
    enqueued_at     timestamptz
);

DO $$
DECLARE
    t text;
BEGIN
    -- Files and subscriptions cover plants: a caller sees one only if allowed all of them.
    FOREACH t IN ARRAY ARRAY['export_files', 'report_subscriptions'] LOOP
        EXECUTE format('ALTER TABLE reporting.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE reporting.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON reporting.%I'
            ' USING (organization_id = app.current_org() AND plant_ids <@ app.current_plants())'
            ' WITH CHECK (organization_id = app.current_org()'
            ' AND plant_ids <@ app.current_plants())',
            t || '_tenant', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['export_chunks', 'report_deliveries', 'report_runs'] LOOP
        EXECUTE format('ALTER TABLE reporting.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE reporting.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON reporting.%I'
            ' USING (organization_id = app.current_org())'
            ' WITH CHECK (organization_id = app.current_org())',
            t || '_tenant', t);
    END LOOP;
END
$$;

GRANT SELECT, INSERT, DELETE ON reporting.export_files, reporting.export_chunks
    TO unison_reporting;
GRANT SELECT, INSERT, UPDATE, DELETE ON reporting.report_subscriptions TO unison_reporting;
GRANT SELECT, INSERT, UPDATE ON reporting.report_deliveries TO unison_reporting;
GRANT SELECT, UPDATE ON reporting.report_runs TO unison_reporting;

-- The plants of the current organization's subscriptions: the report job (no plant in
-- scope yet) reads its subscriptions with them. Runs as the owner, for one organization.
CREATE POLICY report_subscriptions_plants_of_organization ON reporting.report_subscriptions
    FOR SELECT TO unison_owner USING (organization_id = app.current_org());
CREATE FUNCTION reporting.subscription_plants() RETURNS uuid[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, reporting
    AS $$
    SELECT coalesce(array_agg(DISTINCT p), '{}')
    FROM reporting.report_subscriptions, unnest(plant_ids) AS p
    WHERE organization_id = app.current_org()
    $$;
REVOKE ALL ON FUNCTION reporting.subscription_plants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.subscription_plants() TO unison_reporting;

-- pg_cron (as the owner, no organization) finds the organizations with a due
-- subscription and queues one report job each, unless one was queued within the hour
-- and has not finished (the job clears enqueued_at when done).
CREATE POLICY report_subscriptions_due_scan ON reporting.report_subscriptions FOR SELECT
    TO unison_owner USING (active AND next_run_at <= now());
CREATE POLICY report_runs_scheduler ON reporting.report_runs TO unison_owner
    USING (true) WITH CHECK (true);

CREATE FUNCTION reporting.enqueue_due_reports() RETURNS integer
    LANGUAGE plpgsql
    AS $$
DECLARE
    org uuid;
    job uuid;
    queued integer := 0;
BEGIN
    FOR org IN
        SELECT DISTINCT s.organization_id FROM reporting.report_subscriptions s
        WHERE s.active AND s.next_run_at <= now()
          AND NOT EXISTS (
              SELECT 1 FROM reporting.report_runs r
              WHERE r.organization_id = s.organization_id
                AND r.enqueued_at > now() - interval '1 hour')
    LOOP
        job := app.uuid7();
        INSERT INTO reporting.report_runs (organization_id, enqueued_at) VALUES (org, now())
        ON CONFLICT (organization_id) DO UPDATE SET enqueued_at = excluded.enqueued_at;
        INSERT INTO bus.jobs (organization_id, id, owner, kind, params, max_attempts, created_by)
        VALUES (org, job, 'unison_reporting', 'reporting.send_reports', '{}', 5, 'schedule');
        PERFORM pgmq.send('reporting_jobs',
                          jsonb_build_object('job_id', job, 'organization_id', org,
                                             'kind', 'reporting.send_reports'));
        queued := queued + 1;
    END LOOP;
    RETURN queued;
END $$;
REVOKE ALL ON FUNCTION reporting.enqueue_due_reports() FROM PUBLIC;

SELECT cron.schedule('reporting-reports', '*/5 * * * *',
    $$SELECT reporting.enqueue_due_reports()$$);

-- Expired files: their content goes within the hour; the row stays a month, so a late
-- click is told the link expired (410) rather than that it never existed.
CREATE POLICY export_chunks_expired_sweep ON reporting.export_chunks FOR DELETE
    TO unison_owner USING (expires_at < now());
CREATE POLICY export_chunks_sweep_read ON reporting.export_chunks FOR SELECT
    TO unison_owner USING (expires_at < now());
CREATE POLICY export_files_expired_sweep ON reporting.export_files FOR DELETE
    TO unison_owner USING (expires_at < now() - interval '30 days');
CREATE POLICY export_files_sweep_read ON reporting.export_files FOR SELECT
    TO unison_owner USING (expires_at < now() - interval '30 days');
SELECT cron.schedule('reporting-exports-cleanup', '41 * * * *',
    $$DELETE FROM reporting.export_chunks WHERE expires_at < now();
      DELETE FROM reporting.export_files WHERE expires_at < now() - interval '30 days'$$);
