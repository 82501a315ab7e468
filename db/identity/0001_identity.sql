-- Identity, owned by the gateway: organizations, plants, users, roles, API clients,
-- refresh tokens, signing keys, Casbin policies and failed-login records.
--
-- Tenant tables lead with organization_id (primary and foreign keys) and have RLS enabled
-- and forced: with no app.organization_id set, reads return nothing and writes fail.
-- Login has to find a user (or API client, or refresh token) before the organization is
-- known; instead of a privileged lookup function, each such table has one extra SELECT
-- policy that shows exactly the row whose email / client_id / token hash the token
-- endpoint put into a transaction-local setting. Nothing else becomes visible.
--
-- identity.signing_keys and identity.login_attempts hold no tenant data and have no RLS;
-- they are listed in gateway/src/gateway/system_tables.py.

CREATE SCHEMA identity;
GRANT USAGE ON SCHEMA identity TO unison_gateway;

-- ---------------------------------------------------------------------------------------
-- Organizations and plants

CREATE TABLE identity.organizations (
    id          uuid PRIMARY KEY DEFAULT app.uuid7(),
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name        text NOT NULL CHECK (btrim(name) <> ''),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE identity.plants (
    organization_id uuid NOT NULL REFERENCES identity.organizations (id) ON DELETE CASCADE,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    code            text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,20}$'),
    name            text NOT NULL CHECK (btrim(name) <> ''),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, code)
);

-- ---------------------------------------------------------------------------------------
-- Users, roles and plant access

-- Emails are stored lower-case (the gateway normalizes them), so a plain unique index
-- makes them globally unique case-insensitively and the login lookup uses it with `=`.
CREATE TABLE identity.users (
    organization_id uuid NOT NULL REFERENCES identity.organizations (id) ON DELETE CASCADE,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    email           text NOT NULL
                    CHECK (email = lower(btrim(email)) AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    display_name    text NOT NULL CHECK (btrim(display_name) <> ''),
    password_hash   text NOT NULL CHECK (password_hash LIKE '$argon2%'),
    active          boolean NOT NULL DEFAULT true,
    -- true: every plant of the organization, now and later; false: only user_plants.
    all_plants      boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, id)
);
CREATE UNIQUE INDEX users_email_key ON identity.users (email);

CREATE TABLE identity.user_plants (
    organization_id uuid NOT NULL,
    user_id         uuid NOT NULL,
    plant_id        uuid NOT NULL,
    PRIMARY KEY (organization_id, user_id, plant_id),
    FOREIGN KEY (organization_id, user_id)
        REFERENCES identity.users (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, plant_id)
        REFERENCES identity.plants (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX user_plants_plant_idx ON identity.user_plants (organization_id, plant_id);

-- The roles an organization uses; policies (casbin_rules) say what each may do.
CREATE TABLE identity.roles (
    organization_id uuid NOT NULL REFERENCES identity.organizations (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{1,62}$'),
    description     text NOT NULL DEFAULT '',
    PRIMARY KEY (organization_id, name)
);

CREATE TABLE identity.user_roles (
    organization_id uuid NOT NULL,
    user_id         uuid NOT NULL,
    role            text NOT NULL,
    PRIMARY KEY (organization_id, user_id, role),
    FOREIGN KEY (organization_id, user_id)
        REFERENCES identity.users (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, role)
        REFERENCES identity.roles (organization_id, name) ON DELETE CASCADE
);
CREATE INDEX user_roles_role_idx ON identity.user_roles (organization_id, role);

-- ---------------------------------------------------------------------------------------
-- Machine callers (the SAP integration): client_credentials grant

-- Roles and plants are arrays: a client is configured as one unit and has no history.
CREATE TABLE identity.api_clients (
    organization_id uuid NOT NULL REFERENCES identity.organizations (id) ON DELETE CASCADE,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    client_id       text NOT NULL CHECK (client_id ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
    name            text NOT NULL CHECK (btrim(name) <> ''),
    secret_hash     text NOT NULL CHECK (secret_hash LIKE '$argon2%'),
    roles           text[] NOT NULL DEFAULT '{}',
    all_plants      boolean NOT NULL DEFAULT true,
    plant_ids       uuid[] NOT NULL DEFAULT '{}',
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, id)
);
CREATE UNIQUE INDEX api_clients_client_id_key ON identity.api_clients (client_id);

-- ---------------------------------------------------------------------------------------
-- Refresh tokens: only a SHA-256 of the opaque token is stored. Tokens of one login form
-- a family; presenting a token that was already rotated revokes the whole family.

CREATE TABLE identity.refresh_tokens (
    organization_id uuid NOT NULL,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    family_id       uuid NOT NULL,
    user_id         uuid NOT NULL,
    token_hash      bytea NOT NULL CHECK (length(token_hash) = 32),
    issued_at       timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    rotated_at      timestamptz,
    revoked_at      timestamptz,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, user_id)
        REFERENCES identity.users (organization_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX refresh_tokens_hash_key ON identity.refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_family_idx ON identity.refresh_tokens (organization_id, family_id);
CREATE INDEX refresh_tokens_user_idx ON identity.refresh_tokens (organization_id, user_id);
CREATE INDEX refresh_tokens_expires_idx ON identity.refresh_tokens (expires_at);

-- ---------------------------------------------------------------------------------------
-- Casbin policy rules (RBAC with domains = organization ids). The domain column must be
-- the row's own organization, so no rule can ever reach into another organization.
-- User and client role assignments live in user_roles / api_clients and are loaded as
-- `g` rules; `g` rows here are role-to-role inheritance.

CREATE TABLE identity.casbin_rules (
    organization_id uuid NOT NULL REFERENCES identity.organizations (id) ON DELETE CASCADE,
    id              uuid NOT NULL DEFAULT app.uuid7(),
    ptype           text NOT NULL CHECK (ptype IN ('p', 'g')),
    v0              text NOT NULL DEFAULT '',
    v1              text NOT NULL DEFAULT '',
    v2              text NOT NULL DEFAULT '',
    v3              text NOT NULL DEFAULT '',
    v4              text NOT NULL DEFAULT '',
    v5              text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, ptype, v0, v1, v2, v3, v4, v5),
    CHECK ((ptype = 'p' AND v1 = organization_id::text)
        OR (ptype = 'g' AND v2 = organization_id::text))
);

-- ---------------------------------------------------------------------------------------
-- System tables (no tenant data, no RLS): see gateway/src/gateway/system_tables.py

-- A key is published (JWKS) from creation until expires_at and signs from signs_from
-- until retires_at; rotation sets the old key's retires_at to the new key's signs_from and
-- keeps it published for one access-token lifetime longer.
CREATE TABLE identity.signing_keys (
    kid         text PRIMARY KEY CHECK (kid ~ '^[A-Za-z0-9_-]{8,64}$'),
    alg         text NOT NULL CHECK (alg = 'EdDSA'),
    private_key text NOT NULL,
    public_jwk  jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    signs_from  timestamptz NOT NULL,
    retires_at  timestamptz,
    expires_at  timestamptz,
    CHECK (retires_at IS NULL OR retires_at >= created_at),
    CHECK (expires_at IS NULL OR (retires_at IS NOT NULL AND expires_at >= retires_at))
);
CREATE INDEX signing_keys_expires_idx ON identity.signing_keys (expires_at);

-- Failed logins, shared by every gateway process. UNLOGGED: losing them in a crash only
-- forgives a few failures. The key is a lower-case email, a client_id or an address.
CREATE UNLOGGED TABLE identity.login_attempts (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    scope        text NOT NULL CHECK (scope IN ('user', 'client', 'address')),
    key          text NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_key_idx ON identity.login_attempts (scope, key, attempted_at);
CREATE INDEX login_attempts_time_idx ON identity.login_attempts (attempted_at);

-- ---------------------------------------------------------------------------------------
-- Row-level security

ALTER TABLE identity.organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.organizations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.organizations
    USING (id = app.current_org()) WITH CHECK (id = app.current_org());

ALTER TABLE identity.plants ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.plants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.plants
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());

ALTER TABLE identity.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.users
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
CREATE POLICY login_lookup ON identity.users FOR SELECT
    USING (email = current_setting('app.login_email', true));

ALTER TABLE identity.user_plants ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.user_plants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.user_plants
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());

ALTER TABLE identity.roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.roles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.roles
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());

ALTER TABLE identity.user_roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.user_roles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.user_roles
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());

ALTER TABLE identity.api_clients ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.api_clients FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.api_clients
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
CREATE POLICY login_lookup ON identity.api_clients FOR SELECT
    USING (client_id = current_setting('app.login_client_id', true));

ALTER TABLE identity.refresh_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.refresh_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.refresh_tokens
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());
CREATE POLICY login_lookup ON identity.refresh_tokens FOR SELECT
    USING (token_hash = decode(nullif(current_setting('app.refresh_token_hash', true), ''), 'hex'));

ALTER TABLE identity.casbin_rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.casbin_rules FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.casbin_rules
    USING (organization_id = app.current_org())
    WITH CHECK (organization_id = app.current_org());

-- ---------------------------------------------------------------------------------------
-- Change notifications: every gateway process LISTENs and drops its cached Casbin
-- enforcer of the organization (payload) or reloads its signing keys. NOTIFY is sent at
-- commit, and identical payloads within one transaction are folded into one.

CREATE FUNCTION identity.notify_policy_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('identity_policy_changed', OLD.organization_id::text);
    ELSE
        PERFORM pg_notify('identity_policy_changed', NEW.organization_id::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER casbin_rules_changed AFTER INSERT OR UPDATE OR DELETE ON identity.casbin_rules
    FOR EACH ROW EXECUTE FUNCTION identity.notify_policy_changed();
CREATE TRIGGER user_roles_changed AFTER INSERT OR UPDATE OR DELETE ON identity.user_roles
    FOR EACH ROW EXECUTE FUNCTION identity.notify_policy_changed();
-- A deactivated user or client loses every permission at once.
CREATE TRIGGER users_changed AFTER UPDATE OF active OR DELETE ON identity.users
    FOR EACH ROW EXECUTE FUNCTION identity.notify_policy_changed();
CREATE TRIGGER api_clients_changed AFTER INSERT OR UPDATE OF roles, active OR DELETE
    ON identity.api_clients
    FOR EACH ROW EXECUTE FUNCTION identity.notify_policy_changed();

CREATE FUNCTION identity.notify_keys_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('identity_keys_changed', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER signing_keys_changed AFTER INSERT OR UPDATE OR DELETE ON identity.signing_keys
    FOR EACH STATEMENT EXECUTE FUNCTION identity.notify_keys_changed();

-- ---------------------------------------------------------------------------------------
-- What the gateway's runtime role may do: exactly what its queries need.

GRANT SELECT ON identity.organizations, identity.plants, identity.user_plants
    TO unison_gateway;
GRANT SELECT, UPDATE (password_hash, updated_at) ON identity.users TO unison_gateway;
GRANT SELECT, INSERT ON identity.roles TO unison_gateway;
GRANT SELECT, INSERT, DELETE ON identity.user_roles TO unison_gateway;
GRANT SELECT, UPDATE (secret_hash, updated_at) ON identity.api_clients TO unison_gateway;
GRANT SELECT, INSERT, UPDATE (rotated_at, revoked_at) ON identity.refresh_tokens
    TO unison_gateway;
GRANT SELECT, INSERT, DELETE ON identity.casbin_rules TO unison_gateway;
GRANT SELECT, INSERT, UPDATE (retires_at, expires_at), DELETE ON identity.signing_keys
    TO unison_gateway;
GRANT SELECT, INSERT, DELETE ON identity.login_attempts TO unison_gateway;

-- Failed logins older than a day count for nothing; pg_cron keeps the table small.
SELECT cron.schedule(
    'identity-login-attempts-cleanup',
    '*/15 * * * *',
    $$DELETE FROM identity.login_attempts WHERE attempted_at < now() - interval '1 day'$$
);

-- Expired refresh tokens are kept a week (a late replay still reads as "expired", not as
-- unknown), then removed. The cleanup job runs as the owner, which RLS also binds: these
-- two policies let it see and delete exactly the long-expired rows of every organization.
CREATE POLICY expired_cleanup_read ON identity.refresh_tokens FOR SELECT TO unison_owner
    USING (expires_at < now() - interval '7 days');
CREATE POLICY expired_cleanup_delete ON identity.refresh_tokens FOR DELETE TO unison_owner
    USING (expires_at < now() - interval '7 days');

SELECT cron.schedule(
    'identity-refresh-tokens-cleanup',
    '17 3 * * *',
    $$DELETE FROM identity.refresh_tokens WHERE expires_at < now() - interval '7 days'$$
);
