-- The hook every domain schedule uses: pg_cron calls
--     SELECT bus.enqueue_for_all_organizations('production', 'production.daily_oee');
-- which queues one job per organization on that service's job queue, so the long work
-- runs in the service's worker (with progress, retries and a row a client can follow),
-- never inside the database.

CREATE POLICY jobs_scheduler ON bus.jobs FOR INSERT TO unison_owner WITH CHECK (true);

CREATE FUNCTION bus.enqueue_for_all_organizations(
    service text, kind text, params jsonb DEFAULT '{}', max_attempts integer DEFAULT 3)
    RETURNS integer
    LANGUAGE plpgsql
    AS $$
DECLARE
    org uuid;
    job uuid;
    queued integer := 0;
BEGIN
    IF service NOT IN ('inventory', 'production', 'quality', 'maintenance', 'search',
                       'reporting') THEN
        RAISE EXCEPTION 'unknown service %', service;
    END IF;
    FOR org IN SELECT id FROM identity.organizations ORDER BY id LOOP
        -- The id is made here: RETURNING would need the owner to read jobs back, which
        -- its insert-only policy does not allow.
        job := app.uuid7();
        INSERT INTO bus.jobs (organization_id, id, owner, kind, params, max_attempts, created_by)
        VALUES (org, job, 'unison_' || service, kind, params, max_attempts, 'schedule');
        PERFORM pgmq.send(service || '_jobs',
                          jsonb_build_object('job_id', job, 'organization_id', org,
                                             'kind', kind));
        queued := queued + 1;
    END LOOP;
    RETURN queued;
END $$;
REVOKE ALL ON FUNCTION bus.enqueue_for_all_organizations(text, text, jsonb, integer) FROM PUBLIC;
