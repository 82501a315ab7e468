-- Schema `search`: owned by unison_owner, used by the search service's runtime role only.

CREATE SCHEMA search AUTHORIZATION unison_owner;
REVOKE ALL ON SCHEMA search FROM PUBLIC;
GRANT USAGE ON SCHEMA search TO unison_search;
