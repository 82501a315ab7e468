-- Schema `quality`: owned by unison_owner, used by the quality service's runtime role only.

CREATE SCHEMA quality AUTHORIZATION unison_owner;
REVOKE ALL ON SCHEMA quality FROM PUBLIC;
GRANT USAGE ON SCHEMA quality TO unison_quality;
