-- The shared-nothing stand-in for Redis: one UNLOGGED table, rows scoped by organization
-- (RLS) and by the service role that wrote them, so no service reads another's entries.
-- UNLOGGED: no WAL, emptied after a crash, which a cache can afford.

CREATE SCHEMA cache AUTHORIZATION unison_owner;
REVOKE ALL ON SCHEMA cache FROM PUBLIC;
GRANT USAGE ON SCHEMA cache TO unison_gateway, unison_inventory, unison_production,
    unison_quality, unison_maintenance, unison_search, unison_reporting;

CREATE UNLOGGED TABLE cache.entries (
    organization_id uuid        NOT NULL,
    owner           name        NOT NULL DEFAULT current_user,
    key             text        NOT NULL CHECK (length(key) <= 1000),
    value           bytea       NOT NULL,
    expires_at      timestamptz NOT NULL,
    PRIMARY KEY (organization_id, owner, key)
);
-- The clean-up deletes by expiry; keep it an index scan, not a sweep of the table.
CREATE INDEX entries_expires_at ON cache.entries (expires_at);

ALTER TABLE cache.entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE cache.entries FORCE ROW LEVEL SECURITY;
CREATE POLICY entries_tenant ON cache.entries
    USING (organization_id = app.current_org() AND owner = current_user)
    WITH CHECK (organization_id = app.current_org() AND owner = current_user);
GRANT SELECT, INSERT, UPDATE, DELETE ON cache.entries TO unison_gateway, unison_inventory,
    unison_production, unison_quality, unison_maintenance, unison_search, unison_reporting;

-- One round trip per operation: the function sets the organization for its own statement
-- and then reads under RLS (a plain SELECT could not set and use the setting at once).
-- Returns the value and its remaining lifetime, so the in-process tier never keeps an
-- entry longer than the table would.
CREATE FUNCTION cache.get(org uuid, k text, OUT value bytea, OUT ttl double precision)
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    PERFORM set_config('app.organization_id', org::text, true);
    SELECT e.value, extract(epoch FROM e.expires_at - now())
      INTO value, ttl
      FROM cache.entries e
     WHERE e.organization_id = org AND e.owner = current_user AND e.key = k
       AND e.expires_at > now();
END $$;

-- Writes notify the other processes of the same service after commit; the payload is
-- the writer's process tag, the organization and the key, never the value (NOTIFY payloads
-- are capped at 8000 bytes; keys are limited to 1000 characters below).
CREATE FUNCTION cache.put(org uuid, k text, v bytea, ttl_seconds double precision, origin text)
    RETURNS void
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    PERFORM set_config('app.organization_id', org::text, true);
    INSERT INTO cache.entries (organization_id, key, value, expires_at)
    VALUES (org, k, v, now() + make_interval(secs => ttl_seconds))
    ON CONFLICT (organization_id, owner, key)
        DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at;
    PERFORM pg_notify('cache_' || current_user, origin || ' ' || org::text || ' ' || k);
END $$;

CREATE FUNCTION cache.drop(org uuid, k text, origin text) RETURNS void
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    PERFORM set_config('app.organization_id', org::text, true);
    DELETE FROM cache.entries WHERE organization_id = org AND owner = current_user AND key = k;
    PERFORM pg_notify('cache_' || current_user, origin || ' ' || org::text || ' ' || k);
END $$;

GRANT EXECUTE ON FUNCTION cache.get(uuid, text),
    cache.put(uuid, text, bytea, double precision, text), cache.drop(uuid, text, text) TO unison_gateway, unison_inventory, unison_production,
    unison_quality, unison_maintenance, unison_search, unison_reporting;

-- Expired rows go every five minutes. This is a short indexed DELETE, not long work,
-- so it runs in pg_cron directly rather than through a job queue. The job runs as the
-- owner, which FORCE RLS binds too: this policy lets the owner delete expired rows only.
CREATE POLICY entries_sweep ON cache.entries FOR DELETE TO unison_owner USING (expires_at < now());
SELECT cron.schedule('cache-cleanup', '*/5 * * * *',
    $$DELETE FROM cache.entries WHERE expires_at < now()$$);
