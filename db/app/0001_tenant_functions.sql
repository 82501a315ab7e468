-- Functions every schema's RLS policies and defaults use. Schema `app` holds no tables.

CREATE SCHEMA IF NOT EXISTS app;
GRANT USAGE ON SCHEMA app TO unison_gateway, unison_inventory, unison_production,
    unison_quality, unison_maintenance, unison_search, unison_reporting;

-- The organization of the current transaction, or NULL when none was set: policies
-- compare against it, so an unset organization matches no row and fails every write.
CREATE FUNCTION app.current_org() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.organization_id', true), '')::uuid $$;

-- The plants the caller may act on, from the token, as set by the service per transaction.
CREATE FUNCTION app.current_plants() RETURNS uuid[]
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(string_to_array(nullif(current_setting('app.plant_ids', true), ''), ',')::uuid[], '{}') $$;

CREATE FUNCTION app.plant_allowed(plant uuid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT plant = ANY (app.current_plants()) $$;

CREATE FUNCTION app.current_user_id() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(current_setting('app.user_id', true), '') $$;

-- Time-ordered UUIDs (version 7): new rows land at the right edge of the primary-key
-- index instead of at random pages, which matters for append-heavy tables at scale.
CREATE FUNCTION app.uuid7() RETURNS uuid
    LANGUAGE sql VOLATILE PARALLEL SAFE
    AS $$
    SELECT encode(
        set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
                    PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                    FROM 1 FOR 6),
            52, 1), 53, 1),
        'hex')::uuid
    $$;

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA app TO unison_gateway, unison_inventory,
    unison_production, unison_quality, unison_maintenance, unison_search, unison_reporting;
