-- Schema `reporting`: owned by unison_owner, used by the reporting service's runtime role only.

CREATE SCHEMA reporting AUTHORIZATION unison_owner;
REVOKE ALL ON SCHEMA reporting FROM PUBLIC;
GRANT USAGE ON SCHEMA reporting TO unison_reporting;
