-- pg_cron shows each role only the jobs it scheduled; schedules are created by the owner
-- (in migrations), so a service reads its own schedules' history through this function.
-- Job names start with the service name ("inventory-thresholds"); platform jobs
-- ("cache-cleanup", "bus-inbox-retention") are shown to every service.

CREATE FUNCTION bus.schedule_runs(run_limit integer DEFAULT 10)
    RETURNS TABLE (jobname text, schedule text, active boolean, command text,
                   runid bigint, status text, return_message text,
                   start_time timestamptz, end_time timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, cron
    AS $$
    SELECT j.jobname, j.schedule, j.active, j.command,
           r.runid, r.status, r.return_message, r.start_time, r.end_time
      FROM cron.job j
      LEFT JOIN LATERAL (
          SELECT d.runid, d.status, d.return_message, d.start_time, d.end_time
            FROM cron.job_run_details d
           WHERE d.jobid = j.jobid
           ORDER BY d.start_time DESC NULLS LAST
           LIMIT run_limit
      ) r ON true
     WHERE j.jobname LIKE replace(session_user, 'unison_', '') || '-%'
        OR j.jobname IN ('cache-cleanup', 'bus-inbox-retention')
     ORDER BY j.jobname, r.start_time DESC NULLS LAST
    $$;
REVOKE ALL ON FUNCTION bus.schedule_runs(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bus.schedule_runs(integer) TO unison_gateway, unison_inventory,
    unison_production, unison_quality, unison_maintenance, unison_search, unison_reporting;
