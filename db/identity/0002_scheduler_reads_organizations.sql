-- Schedules run in pg_cron as the owner, with no organization set. A schedule that
-- starts per-organization work (daily OEE, hourly stock thresholds, preventive
-- maintenance) needs the list of organizations and nothing else: this policy lets the
-- owner, and only the owner, read it.
CREATE POLICY scheduler_lists_organizations ON identity.organizations
    FOR SELECT TO unison_owner USING (true);
