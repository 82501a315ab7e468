-- Schema `production`: owned by unison_owner, used by the production service's runtime role only.

CREATE SCHEMA production AUTHORIZATION unison_owner;
REVOKE ALL ON SCHEMA production FROM PUBLIC;
GRANT USAGE ON SCHEMA production TO unison_production;
