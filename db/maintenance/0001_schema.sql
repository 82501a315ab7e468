-- Schema `maintenance`: owned by unison_owner, used by the maintenance service's runtime role only.

CREATE SCHEMA maintenance AUTHORIZATION unison_owner;
REVOKE ALL ON SCHEMA maintenance FROM PUBLIC;
GRANT USAGE ON SCHEMA maintenance TO unison_maintenance;
